package dev.vouch.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.JournalReader;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start is {@link QuickStart}, character for character, and it runs: twice (the second run finds
 * its keys), leaving a sealed journal that verifies, with the big refund approved and the card number redacted.
 */
class QuickStartTest {
    @TempDir
    Path tmp;

    private static Path repoRoot() {
        Path d = Path.of("").toAbsolutePath();
        while (!Files.exists(d.resolve("README.md")) || !Files.exists(d.resolve("docs"))) {
            d = d.getParent();
        }
        return d;
    }

    @Test
    void shouldBeWhatTheReadmeShows() throws IOException {
        Path root = repoRoot();
        String source = Files.readString(root.resolve("examples/src/main/java/dev/vouch/examples/QuickStart.java"));
        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        int at = readme.indexOf("### Quick start");
        assertTrue(at >= 0, "README has no Quick start section");
        int start = readme.indexOf("```java\n", at) + "```java\n".length();
        String shown = readme.substring(start, readme.indexOf("```\n", start));
        // The README shows the file without its package line, which a user's project replaces.
        assertEquals(source.substring(source.indexOf("import ")), shown);
    }

    @Test
    void shouldRunAndLeaveAJournalThatVerifies() throws Exception {
        for (int run = 0; run < 2; run++) {
            QuickStart.main(new String[] {tmp.toString()});
        }
        VerifyingKey key = KeyFile.load(tmp.resolve("vouch.key")).verifyingKey();
        Path journal = tmp.resolve("journal");
        try (RecordSource source = JournalReader.open(journal)) {
            assertEquals(Verdict.INTACT, JournalVerifier.trusting(key).verify(source).verdict());
        }
        int approved = 0;
        try (RecordSource source = JournalReader.open(journal)) {
            RecordBuffer b = new RecordBuffer(1024);
            RecordView v = new RecordView();
            while (source.next(b)) {
                v.wrap(b.data(), b.length());
                if (v.type() == RecordType.APPROVAL && v.decision() == Decision.APPROVED) {
                    approved++;
                }
            }
        }
        assertEquals(2, approved, "one approved refund per run");
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("4111111111111111"),
                        "the card number reached " + f);
            }
        }
    }
}
