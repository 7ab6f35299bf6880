package dev.vouch.server;

import dev.vouch.guard.Guard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One agent of the token file and the guard that records its calls: one guard per agent, all on the one ledger,
 * so every record names the agent the token proved. Also the agent's open tasks and its meters.
 */
final class AgentGuard {
    final String name;
    /** Set once the guard is built (building it may already announce rediscovered pending calls). */
    volatile Guard guard;
    final Map<String, Tasks.OpenTask> tasks = new ConcurrentHashMap<>();
    /** How many tasks may be open at once ({@link GatewayBuilder#maxOpenTasksPerAgent}). */
    final int maxOpenTasks;
    private final Map<Call.Status, Counter> decided = new EnumMap<>(Call.Status.class);

    AgentGuard(String name, int maxOpenTasks, MeterRegistry registry) {
        this.name = name;
        this.maxOpenTasks = maxOpenTasks;
        for (Call.Status s : Call.Status.values()) {
            decided.put(s, Counter.builder("vouch.gateway.calls")
                    .description("Tool calls by what became of them: allowed, pending, blocked, refused, timed_out"
                            + " when decided; completed or expired when their outcome was recorded")
                    .tag("agent", name).tag("status", s.label()).register(registry));
        }
    }

    void count(Call.Status status) {
        decided.get(status).increment();
    }
}
