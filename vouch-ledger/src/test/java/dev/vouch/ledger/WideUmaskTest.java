package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.verify.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger started under umask 000 (a child JVM): an outside trial found the day files, the table store and the
 * writer lock 0666, and the directories created above the journal, one holding the private key, 0777. Now
 * directories are 0750 and files at most 0640 (the key 0600), and the journal verifies.
 */
class WideUmaskTest {
    @TempDir
    Path tmp;

    @Test
    void shouldKeepTheJournalFromBeingWritableByOthersUnderUmask000() throws Exception {
        Path dir = tmp.resolve("a/b/journal");
        Path key = tmp.resolve("a/b/vouch.key");
        try (ChildJvm child = ChildJvm.start(tmp, List.of("/bin/sh", "-c", "umask 000; exec \"$@\"", "sh"),
                Child.class, dir.toString(), key.toString())) {
            child.awaitLine("DONE", 60, TimeUnit.SECONDS);
            assertEquals(0, child.waitFor(), child::stderrText);
        }
        assertEquals("rwxr-x---", mode(tmp.resolve("a")));
        assertEquals("rwxr-x---", mode(tmp.resolve("a/b")));
        assertEquals("rwxr-x---", mode(dir));
        assertEquals("rw-------", mode(key));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertTrue(all.stream().anyMatch(f -> f.getFileName().toString().endsWith(".cq4")), all::toString);
            assertTrue(all.stream().anyMatch(f -> f.getFileName().toString().equals(".vouch-writer.lock")), all::toString);
            for (Path f : all) {
                assertEquals("rw-r-----", mode(f), f::toString);
            }
        }
        dev.vouch.crypto.SigningKey signing = dev.vouch.crypto.KeyFile.load(key);
        assertEquals(Verdict.INTACT, Journals.verify(dir, signing.verifyingKey()).verdict());
        signing.destroy();
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** Opens a ledger, records a few events, closes it. */
    public static final class Child {
        public static void main(String[] args) {
            try (Ledger ledger = Ledger.builder(Path.of(args[0])).keyFile(Path.of(args[1]))
                    .origin("test.vouch.dev/umask").open()) {
                Event e = new Event();
                for (int i = 0; i < 10; i++) {
                    ledger.record(e.reset().kind(EventKind.NOTE).agent("bot").name("n" + i));
                }
            }
            System.out.println("DONE");
        }
    }
}
