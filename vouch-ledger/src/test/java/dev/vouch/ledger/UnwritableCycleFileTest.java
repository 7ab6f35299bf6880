package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.VouchException;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.testsupport.Immutable;
import dev.vouch.verify.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cycle file the writer may read but not write: an outside trial moved a journal to a new host and left one day
 * file owned by root. Chronicle threw the {@code FileNotFoundException} undeclared, past every {@code catch
 * (RuntimeException ...)}: the open neither said it was the journal's file nor closed the journal and the writer
 * lock, and the gateway, whose start waited for the open, hung 60 s before exiting. Here the file is made immutable
 * ({@code chattr +i}), which root cannot write either.
 */
class UnwritableCycleFileTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRefuseWithTheFileNamedAndReleaseTheJournal() throws Exception {
        Path dir = tmp.resolve("journal");
        Path keyFile = tmp.resolve("vouch.key");
        VerifyingKey anchor;
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            anchor = ledger.verifyingKey();
            ledger.recordDurably(new Event().kind(EventKind.NOTE).agent("a").name("before"));
        }
        Path cycle;
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".cq4")).sorted().collect(Collectors.toList());
            cycle = files.get(files.size() - 1);
        }
        Assumptions.assumeTrue(Immutable.set(cycle), "chattr +i is not available here");
        try {
            VouchException e = assertThrows(VouchException.class,
                    () -> Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open());
            assertTrue(e.getMessage().contains("cannot open the journal's storage in " + dir)
                    && e.getMessage().contains(
                    cycle + " (Operation not permitted) (the writer must be able to read and write every file"),
                    e.getMessage());
        } finally {
            Immutable.clear(cycle);
        }
        // The refused open let go of the journal: this JVM may open it again.
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            ledger.recordDurably(new Event().kind(EventKind.NOTE).agent("a").name("after"));
        }
        assertEquals(Verdict.INTACT, Journals.verify(dir, anchor).verdict(), () -> Journals.describe(
                Journals.verify(dir, anchor)));
    }
}
