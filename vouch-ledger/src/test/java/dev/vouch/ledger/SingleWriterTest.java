package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.VouchException;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two writers on one journal would interleave their chains and ruin it; the second must be refused. */
class SingleWriterTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondLedgerOnTheSameJournalIsRefusedInThisJvm() {
        Path dir = tmp.resolve("journal");
        Path key = tmp.resolve(".vouch_key");
        VerifyingKey anchor;
        try (Ledger first = Ledger.builder(dir).keyFile(key).open()) {
            anchor = first.verifyingKey();
            first.recordDurably(new Event().kind(EventKind.NOTE).name("first"));
            VouchException e = assertThrows(VouchException.class, () -> Ledger.builder(dir).keyFile(key).open());
            assertTrue(e.getMessage().contains("already open for writing"), e.getMessage());
            first.recordDurably(new Event().kind(EventKind.NOTE).name("still first"));
        }
        try (Ledger again = Ledger.builder(dir).keyFile(key).open()) {
            again.record(new Event().kind(EventKind.NOTE).name("after close"));
        }
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict());
    }

    @Test
    void aSecondLedgerInAnotherProcessIsRefused() throws Exception {
        Path dir = tmp.resolve("journal");
        Path key = tmp.resolve(".vouch_key");
        try (Ledger first = Ledger.builder(dir).keyFile(key).open()) {
            first.recordDurably(new Event().kind(EventKind.NOTE).name("first"));
            List<String> cmd = new ArrayList<>();
            cmd.add(System.getProperty("vouch.test.java"));
            Arrays.stream(System.getProperty("vouch.test.jvmflags").split(" ")).filter(f -> !f.isBlank()).forEach(cmd::add);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SecondWriter.class.getName(),
                    dir.toString(), key.toString()));
            Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
            assertEquals(3, child.exitValue(), output);
            assertTrue(output.contains("already open for writing"), output);
        }
    }

    /** Tries to open the journal named by args[0] with key args[1]; exit 3 if refused as expected. */
    public static final class SecondWriter {
        public static void main(String[] args) {
            try (Ledger ledger = Ledger.builder(Path.of(args[0])).keyFile(Path.of(args[1])).shutdownHook(false).open()) {
                ledger.record(new Event().name("intruder"));
                System.exit(0);
            } catch (VouchException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }
}
