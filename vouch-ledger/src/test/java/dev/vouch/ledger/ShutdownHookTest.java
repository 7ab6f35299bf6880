package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM stopped politely (SIGTERM, as by a container stop) under load seals its journal through the hook. */
class ShutdownHookTest {
    @TempDir
    Path tmp;

    @Test
    void shouldSealTheJournalWhenTheJvmIsTerminatedUnderLoad() throws Exception {
        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve(".vouch_key");
        Path work = Files.createDirectories(tmp.resolve("work"));
        List<Long> durable;
        try (ChildJvm child = ChildJvm.start(work, "term", dir.toString(), keyFile.toString(), "t")) {
            child.awaitLine("READY", 60, TimeUnit.SECONDS);
            int exit = child.terminate();
            assertEquals(143, exit, "expected exit by SIGTERM; stderr:\n" + child.stderrText());
            durable = child.numbers("DURABLE ");
        }
        VerifyingKey anchor = KeyFile.load(keyFile).verifyingKey();

        VerificationReport report = Journals.verify(dir, anchor);

        assertEquals(Verdict.INTACT, report.verdict(), Journals.describe(report));
        assertTrue(report.sealed());
        assertEquals(0, report.recoveries(), "sealed by the hook, so no recovery is needed");
        assertTrue(!durable.isEmpty() && durable.get(durable.size() - 1) < report.records());
    }
}
