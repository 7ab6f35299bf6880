package dev.vouch.ledger;

/** How the ledger's consumer thread waits for events. */
public enum WaitMode {
    /** Park when idle; wakes within microseconds. Uses no CPU when the agent is quiet. The default. */
    BLOCKING,
    /** Spin and yield for a while before parking: lower latency under bursts, at the cost of a busy core. */
    YIELDING
}
