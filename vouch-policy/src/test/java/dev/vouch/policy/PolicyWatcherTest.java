package dev.vouch.policy;

import static dev.vouch.policy.Decisions.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.vouch.testsupport.StderrCapture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload: a good edit takes effect (handler first); a broken, half-written or deleted file never does,
 * and the policy in force stays. Most tests drive {@link PolicyWatcher#poll()} by hand (the thread sleeps
 * an hour) so they do not depend on timing; one runs the real thread.
 */
class PolicyWatcherTest {
    private static final String V1 = "policies:\n  - id: v1\n    match_methods: [\"db.*\"]\n    action: block\n";
    private static final String V2 = "policies:\n  - id: v2\n    match_methods: [\"db.*\"]\n    action: stall\n";
    private static final String BROKEN = "policies:\n  - id: v3\n    match_methods: \"db.*\"\n";
    private static final Duration MANUAL = Duration.ofHours(1);

    @TempDir
    Path dir;

    /** Records what the watcher reports; can be told to fail, as a journal might. */
    static final class Handler implements PolicyWatcher.ChangeHandler {
        final List<Policy> changed = new CopyOnWriteArrayList<>();
        final List<PolicyException> rejected = new CopyOnWriteArrayList<>();
        volatile int failuresLeft;

        @Override
        public void onPolicyChanged(Policy policy) {
            if (failuresLeft > 0) {
                failuresLeft--;
                throw new IllegalStateException("journal unavailable");
            }
            changed.add(policy);
        }

        @Override
        public void onPolicyRejected(PolicyException problem) {
            rejected.add(problem);
        }
    }

    @AfterEach
    void shouldLeaveNoWatcherThreadRunning() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertTrue(!t.getName().equals("vouch-policy-watcher") || !t.isAlive(), "leaked " + t);
        }
    }

    /** Replaces the file atomically, as docs/POLICY.md recommends. */
    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(5);
        }
    }

    @Test
    void shouldApplyAGoodEditOnItsOwnThreadAfterTellingTheHandler() throws Exception {
        Path file = dir.resolve("vouch-policy.yaml");
        write(file, V1);
        Handler handler = new Handler();
        try (PolicyWatcher watcher = PolicyWatcher.start(file, Duration.ofMillis(20), handler)) {
            assertEquals(List.of("v1"), watcher.current().ruleIds());
            assertEquals(1, handler.changed.size(), "the initial policy is reported too");
            assertSame(watcher.current(), handler.changed.get(0));

            write(file, V2);
            await(() -> watcher.current().ruleIds().equals(List.of("v2")));
            assertEquals(2, handler.changed.size());
            assertSame(watcher.current(), handler.changed.get(1));
            assertEquals(Policy.sha256Hex(V2.getBytes(StandardCharsets.UTF_8)), watcher.current().sha256Hex());
            assertEquals("STALL v2", summary(watcher.current().evaluate("db.drop", "{}")));
        }
    }

    @Test
    void shouldKeepThePolicyInForceAndLogOnceWhenAnEditIsBroken() throws Exception {
        Path file = dir.resolve("vouch-policy.yaml");
        write(file, V1);
        Handler handler = new Handler();
        try (PolicyWatcher watcher = PolicyWatcher.start(file, MANUAL, handler)) {
            Policy v1 = watcher.current();
            write(file, BROKEN);
            String log;
            try (StderrCapture stderr = new StderrCapture()) {
                watcher.poll(); // seen once: might still be being written
                assertTrue(handler.rejected.isEmpty());
                watcher.poll(); // unchanged for an interval: compiled, refused
                watcher.poll(); // the same problem is not reported again
                log = stderr.text();
            }
            assertEquals(1, handler.rejected.size());
            PolicyException problem = handler.rejected.get(0);
            assertEquals(3, problem.line());
            assertEquals(20, problem.column());
            assertSame(v1, watcher.current());
            assertEquals("BLOCK v1", summary(watcher.current().evaluate("db.drop", "{}")));
            assertTrue(log.contains("ERROR PolicyWatcher - Policy change rejected, policy sha256 " + v1.sha256Hex()
                    + " stays in effect: " + file + ":3:20: found the string \"db.*\" for 'match_methods'"), log);
            assertEquals(1, log.split("Policy change rejected", -1).length - 1, log);

            write(file, V2);
            watcher.poll();
            watcher.poll();
            assertEquals(List.of("v2"), watcher.current().ruleIds());
            assertEquals(2, handler.changed.size());
        }
    }

    @Test
    void shouldKeepThePolicyInForceWhenTheFileIsDeleted() throws Exception {
        Path file = dir.resolve("vouch-policy.yaml");
        write(file, V1);
        Handler handler = new Handler();
        try (PolicyWatcher watcher = PolicyWatcher.start(file, MANUAL, handler)) {
            Policy v1 = watcher.current();
            Files.delete(file);
            String log;
            try (StderrCapture stderr = new StderrCapture()) {
                watcher.poll();
                watcher.poll();
                log = stderr.text();
            }
            assertSame(v1, watcher.current());
            assertEquals(1, handler.rejected.size());
            assertEquals(file + ": found no file; expected a policy file (vouch-policy.yaml)",
                    handler.rejected.get(0).getMessage());
            assertTrue(log.contains("Policy change rejected, policy sha256 " + v1.sha256Hex() + " stays in effect: "
                    + file + ": found no file"), log);

            write(file, V1); // back as it was: nothing to do
            watcher.poll();
            watcher.poll();
            assertSame(v1, watcher.current());
            write(file, V2);
            watcher.poll();
            watcher.poll();
            assertEquals(List.of("v2"), watcher.current().ruleIds());
        }
    }

    @Test
    void shouldNeverLoadAFileThatIsStillChanging() throws Exception {
        Path file = dir.resolve("vouch-policy.yaml");
        write(file, V1);
        Handler handler = new Handler();
        try (PolicyWatcher watcher = PolicyWatcher.start(file, MANUAL, handler)) {
            // A valid prefix of the new file, as a slow non-atomic writer would leave it for a moment.
            Files.writeString(file, "policies: []\n", StandardCharsets.UTF_8);
            watcher.poll();
            Files.writeString(file, V2, StandardCharsets.UTF_8);
            watcher.poll();
            assertEquals(List.of("v1"), watcher.current().ruleIds(), "neither version has been stable yet");
            watcher.poll();
            assertEquals(List.of("v2"), watcher.current().ruleIds());
            assertEquals(2, handler.changed.size(), "the empty policy never took effect");
        }
    }

    @Test
    void shouldRetryAChangeTheHandlerCouldNotRecord() throws Exception {
        Path file = dir.resolve("vouch-policy.yaml");
        write(file, V1);
        Handler handler = new Handler();
        try (PolicyWatcher watcher = PolicyWatcher.start(file, MANUAL, handler)) {
            write(file, V2);
            handler.failuresLeft = 1;
            watcher.poll();
            watcher.poll();
            assertEquals(List.of("v1"), watcher.current().ruleIds(), "not in effect until recorded");
            watcher.poll();
            assertEquals(List.of("v2"), watcher.current().ruleIds());
        }
    }

    @Test
    void shouldNotStartOnABrokenFile() throws IOException {
        Path file = dir.resolve("vouch-policy.yaml");
        write(file, BROKEN);
        Handler handler = new Handler();
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyWatcher.start(file, handler));
        assertEquals(3, e.line());
        assertTrue(handler.changed.isEmpty());
    }

    @Test
    void shouldNotStartWhenTheHandlerCannotRecordTheInitialPolicy() throws IOException {
        Path file = dir.resolve("vouch-policy.yaml");
        write(file, V1);
        Handler handler = new Handler();
        handler.failuresLeft = 1;
        assertThrows(IllegalStateException.class, () -> PolicyWatcher.start(file, handler));
    }

    @Test
    void shouldRefuseAPollIntervalOutOfRange() throws IOException {
        Path file = dir.resolve("vouch-policy.yaml");
        write(file, V1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolicyWatcher.start(file, Duration.ofMillis(1), new Handler()));
        assertEquals("the poll interval must be from 10ms to 1h, not 1ms", e.getMessage());
    }

    @Test
    void shouldStopItsDaemonThreadOnClose() throws IOException {
        Path file = dir.resolve("vouch-policy.yaml");
        write(file, V1);
        PolicyWatcher watcher = PolicyWatcher.start(file, new Handler());
        Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("vouch-policy-watcher")).findFirst().orElseThrow();
        assertTrue(thread.isDaemon());
        watcher.close();
        watcher.close();
        assertTrue(!thread.isAlive());
        assertEquals(List.of("v1"), watcher.current().ruleIds(), "the last policy stays readable");
    }
}
