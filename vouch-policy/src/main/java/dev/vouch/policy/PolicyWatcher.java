package dev.vouch.policy;

import dev.vouch.internal.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a policy file in force while it changes (hot reload). A daemon thread reads the file every poll
 * interval and compares its SHA-256 with the policy in force. A new version is compiled once it has stayed
 * the same for one full interval (so a half-written file is never loaded); if it compiles, the
 * {@link ChangeHandler} is told and then the new policy replaces the old one atomically. A broken, missing
 * or unreadable file is logged at ERROR with its position, reported once to the handler, and the policy in
 * force stays: a bad edit never leaves the agent without a policy, and never half a policy.
 *
 * <p>Polling rather than a {@code WatchService}: it works the same on every file system, including network
 * mounts and Kubernetes ConfigMaps (which swap a symlink), and reading a small file once a second costs
 * microseconds.
 */
public final class PolicyWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyWatcher.class);
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(10);
    private static final Duration MAX_POLL_INTERVAL = Duration.ofHours(1);

    /** Told about each policy that takes effect, and each change that is refused. */
    public interface ChangeHandler {
        /**
         * Called before {@code policy} takes effect: first for the initial policy, on the thread that calls
         * {@link #start}, then on the watcher thread for each accepted change. This is where the journal
         * records "policy in effect: sha256 ...". If it throws, the change does not take effect: the initial
         * start fails, and a later change is retried at the next poll.
         */
        void onPolicyChanged(Policy policy);

        /**
         * Called on the watcher thread, once per distinct problem, when the file changed but cannot be used
         * (broken, missing, unreadable); the previous policy stays in force. Does nothing by default.
         */
        default void onPolicyRejected(PolicyException problem) {
        }
    }

    private final Path file;
    private final long intervalNanos;
    private final ChangeHandler handler;
    private final Thread thread;
    private volatile Policy current;
    private volatile boolean closed;

    // Watcher-thread state.
    private String pendingHash;   // a new version seen once, waiting to be seen unchanged again
    private String reportedProblem; // the last problem logged, so each is logged once
    private String failedHandlerHash; // a valid version whose handler call failed: retried, logged once

    private PolicyWatcher(Path file, Duration interval, ChangeHandler handler, Policy initial) {
        this.file = file;
        this.intervalNanos = interval.toNanos();
        this.handler = handler;
        this.current = initial;
        this.thread = new Thread(this::run, "vouch-policy-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts watching with the default poll interval of one second. */
    public static PolicyWatcher start(Path file, ChangeHandler handler) {
        return start(file, DEFAULT_POLL_INTERVAL, handler);
    }

    /**
     * Loads the policy, tells the handler, and starts watching the file.
     *
     * @param pollInterval from 10 ms to 1 h; a change takes effect within two intervals
     * @throws PolicyException          if the file cannot be loaded now (nothing is started)
     * @throws IllegalArgumentException if the poll interval is out of range
     */
    public static PolicyWatcher start(Path file, Duration pollInterval, ChangeHandler handler) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(handler, "handler");
        if (pollInterval.compareTo(MIN_POLL_INTERVAL) < 0 || pollInterval.compareTo(MAX_POLL_INTERVAL) > 0) {
            // In the policy file's own units (an outside trial's Spring setting of 5ms read "PT0.005S").
            throw new IllegalArgumentException("the poll interval must be from "
                    + Durations.policyText(MIN_POLL_INTERVAL) + " to " + Durations.policyText(MAX_POLL_INTERVAL)
                    + ", not " + Durations.policyText(pollInterval));
        }
        Policy initial = Policy.load(file);
        handler.onPolicyChanged(initial);
        LOG.info("Policy {} in effect: sha256 {}, {} rules", file, initial.sha256Hex(), initial.ruleIds().size());
        PolicyWatcher watcher = new PolicyWatcher(file, pollInterval, handler, initial);
        watcher.thread.start();
        return watcher;
    }

    /** The policy in force now: a volatile read, safe from any thread. */
    public Policy current() {
        return current;
    }

    /** The file being watched. */
    public Path file() {
        return file;
    }

    /** Stops watching and waits for the watcher thread to end; the last policy stays readable. Idempotent. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        long next = System.nanoTime() + intervalNanos;
        while (!closed) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue; // re-check closed and spurious wake-ups
            }
            next = System.nanoTime() + intervalNanos;
            try {
                poll();
            } catch (VirtualMachineError e) {
                throw e; // out of memory: the JVM's own to handle (the gateway exits with one line), not a surprise
            } catch (RuntimeException | Error e) {
                // The watcher must outlive any surprise: the agent keeps the policy in force either way.
                LOG.error("Policy watcher for {} failed while checking the file; it keeps watching", file, e);
            }
        }
    }

    /** One check of the file; package-private so tests can drive it without waiting. */
    void poll() {
        byte[] bytes;
        try {
            bytes = Policy.read(file);
        } catch (PolicyException e) {
            pendingHash = null;
            reject(e, "unreadable:" + e.getMessage());
            return;
        }
        String hash = Policy.sha256Hex(bytes);
        Policy inForce = current;
        if (hash.equals(inForce.sha256Hex())) {
            pendingHash = null;
            reportedProblem = null; // back to the policy in force: a later identical problem is news again
            return;
        }
        if (!hash.equals(pendingHash)) {
            pendingHash = hash; // wait one interval: a file still being written will differ next time
            return;
        }
        if (hash.equals(reportedProblem)) {
            return;
        }
        Policy next;
        try {
            next = Policy.parse(bytes, file.toString());
        } catch (PolicyException e) {
            reject(e, hash);
            return;
        }
        try {
            handler.onPolicyChanged(next);
        } catch (RuntimeException e) {
            if (!hash.equals(failedHandlerHash)) {
                failedHandlerHash = hash;
                LOG.error("Policy {} sha256 {} is valid but the change handler failed; policy sha256 {} stays in"
                        + " effect and the change is retried", file, hash, inForce.sha256Hex(), e);
            }
            return;
        }
        failedHandlerHash = null;
        reportedProblem = null;
        pendingHash = null;
        current = next;
        LOG.info("Policy {} in effect: sha256 {}, {} rules (was sha256 {})", file, next.sha256Hex(),
                next.ruleIds().size(), inForce.sha256Hex());
    }

    private void reject(PolicyException problem, String key) {
        if (key.equals(reportedProblem)) {
            return;
        }
        reportedProblem = key;
        LOG.error("Policy change rejected, policy sha256 {} stays in effect: {}", current.sha256Hex(),
                problem.getMessage());
        try {
            handler.onPolicyRejected(problem);
        } catch (RuntimeException e) {
            LOG.error("Policy change handler failed on a rejected change of {}", file, e);
        }
    }
}
