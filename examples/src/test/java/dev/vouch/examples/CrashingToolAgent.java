package dev.vouch.examples;

import dev.vouch.guard.Guard;
import dev.vouch.ledger.Ledger;
import dev.vouch.policy.Policy;
import java.nio.file.Path;

/**
 * A child JVM for {@link OutcomeCrashIT}: one guarded call that completes, then one whose tool kills the JVM the
 * way a crash would (no shutdown hook, no close), after the guard journaled its call and decision.
 */
public final class CrashingToolAgent {
    private CrashingToolAgent() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Ledger ledger = Ledger.builder(dir.resolve("journal")).keyFile(dir.resolve(".vouch_key")).shutdownHook(false)
                .open();
        Policy policy = Policy.parse("version: \"2026.1\"\npolicies:\n  - id: files\n    match_methods: [\"fs.*\"]\n"
                + "    action: allow\n", "crash-policy.yaml");
        Guard guard = Guard.builder(ledger).agent("crash-bot").policy(policy).build();
        guard.call("fs.read", "{\"path\":\"/etc/hosts\"}", () -> "127.0.0.1 localhost");
        guard.call("fs.write", "{\"path\":\"/tmp/x\"}", () -> {
            System.out.println("TOOL RUNNING");
            System.out.flush();
            Runtime.getRuntime().halt(7); // the tool took the JVM down: its outcome is never recorded
            return null;
        });
        throw new AssertionError("unreachable");
    }
}
