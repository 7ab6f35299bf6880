package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What "forced to disk" means, watched with strace in a child JVM: a new journal's genesis, a SYNCED write, a key
 * rotation (before its key file is renamed into place), {@code close()} and the seal after a recovery each make an
 * {@code fdatasync} of the journal's cycle file, and an open (whose first force covers the directory's new entries)
 * an {@code fsync} of its directory too; a day's new file does as well ({@code DirectoryForceTest}). An outside crash trial found only Chronicle's
 * {@code msync(MS_ASYNC)}, a no-op on Linux: SYNCED records, the seal and the rotation were still in the page cache
 * seconds later, and a power loss after a rotation left a key file that the journal on disk did not name.
 */
class SyncToDiskTest {
    private static final Pattern CYCLE_FILE_DATASYNC = Pattern.compile("fdatasync\\(\\d+<[^>]*\\.cq4>\\) = 0");
    private static final Pattern DIRECTORY_SYNC = Pattern.compile("fsync\\(\\d+<[^>]*/journal>\\) = 0");

    @TempDir
    Path tmp;

    @Test
    void syncedWritesRotationCloseAndRecoveryReachTheDevice() throws Exception {
        Assumptions.assumeTrue(onPath("strace"), "strace is not installed (.ci/run installs it)");
        Path dir = tmp.resolve("journal");
        Path key = tmp.resolve("vouch.key");

        List<String> write = traced("write", dir, key);
        assertSynced(write, "OPEN", "OPENED", true); // a new journal's genesis, in new files
        assertSynced(write, "SYNCED", "SYNCED-DONE", false);
        assertSynced(write, "CLOSE", "CLOSE-DONE", false);
        // The rotation: the journal is on the device before the new key file is renamed over the old one.
        int rotate = index(write, "MARK ROTATE\\n\"");
        int rename = -1;
        for (int i = rotate; i < write.size(); i++) {
            if (write.get(i).contains("rename(") && write.get(i).contains("vouch.key")) {
                rename = i;
                break;
            }
        }
        assertTrue(rename > rotate, "no rename of the key file after MARK ROTATE:\n" + String.join("\n", write));
        assertTrue(matches(write.subList(rotate, rename), CYCLE_FILE_DATASYNC),
                "no fdatasync of the cycle file before the key file's rename:\n" + String.join("\n", write.subList(rotate, rename)));

        traced("halt", dir, key);
        List<String> reopen = traced("reopen", dir, key);
        assertSynced(reopen, "OPEN", "OPENED", true);
    }

    private static void assertSynced(List<String> trace, String from, String to, boolean directory) {
        List<String> between = trace.subList(index(trace, "MARK " + from + "\\n\""), index(trace, "MARK " + to + "\\n\""));
        assertTrue(matches(between, CYCLE_FILE_DATASYNC), from + ": no fdatasync of the cycle file:\n" + String.join("\n", between));
        if (directory) {
            assertTrue(matches(between, DIRECTORY_SYNC), from + ": no fsync of the journal directory:\n" + String.join("\n", between));
        }
    }

    private static boolean matches(List<String> lines, Pattern p) {
        return lines.stream().anyMatch(l -> p.matcher(l).find());
    }

    private static int index(List<String> trace, String marker) {
        for (int i = 0; i < trace.size(); i++) {
            if (trace.get(i).contains(marker)) {
                return i;
            }
        }
        throw new AssertionError("no " + marker + " in the trace:\n" + String.join("\n", trace));
    }

    private List<String> traced(String mode, Path dir, Path key) throws Exception {
        Path trace = tmp.resolve(mode + ".strace");
        List<String> strace = List.of("strace", "-f", "-qq", "-y", "-o", trace.toString(),
                "-e", "trace=fsync,fdatasync,msync,rename,write");
        try (ChildJvm child = ChildJvm.start(tmp, strace, SyncChild.class, mode, dir.toString(), key.toString())) {
            assertEquals(0, child.waitFor(), () -> "child failed: " + child.stderrText());
        }
        return Files.readAllLines(trace).stream().filter(l -> !l.contains("write(") || l.contains("MARK")).toList();
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
