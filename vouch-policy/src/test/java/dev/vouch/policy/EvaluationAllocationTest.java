package dev.vouch.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A sanity check of "compiled, allocation-light" evaluation, measured with the JVM's per-thread allocation
 * counter: a call no condition needs to read allocates nothing; one whose parameters are read allocates the
 * streaming parser and one small set of arrays, not a tree. The precise numbers belong to a JMH run with
 * {@code -prof gc}; the bounds here only catch a regression by an order of magnitude.
 */
class EvaluationAllocationTest {
    private static final Policy POLICY = Policy.parse("""
            defaults:
              default_action: block
            policies:
              - id: big-refund
                match_methods: ["payments.refund"]
                action: stall
                conditions:
                  - {key: order.amount, operator: gt, value: 1000}
                  - {key: order.currency, operator: in, value: [EUR, USD]}
              - id: reads
                match_methods: ["*.get", "*.list"]
                action: allow
              - id: hide
                match_methods: ["crm.*"]
                redact: [email]
            """, "alloc.yaml");

    private static final byte[] REFUND = ("{\"order\":{\"id\":\"o-42\",\"amount\":1500.25,\"currency\":\"EUR\","
            + "\"lines\":[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"B\",\"qty\":2}]},\"note\":\"customer called twice\"}")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldAllocateNothingWhenNoConditionReadsTheParameters() {
        assertEquals(Action.ALLOW, POLICY.evaluate("orders.get", EMPTY).action());
        double perCall = bytesPerCall(() -> POLICY.evaluate("orders.get", EMPTY));
        assertTrue(perCall < 1, perCall + " bytes per call");
    }

    @Test
    void shouldAllocateLittleWhenParametersAreRead() {
        assertEquals(Action.STALL, POLICY.evaluate("payments.refund", REFUND).action());
        double perCall = bytesPerCall(() -> POLICY.evaluate("payments.refund", REFUND));
        assertTrue(perCall < 4096, perCall + " bytes per call");
    }

    private static double bytesPerCall(Runnable call) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        for (int i = 0; i < 50_000; i++) {
            call.run(); // let the JIT compile the path first
        }
        int calls = 20_000;
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        long after = threads.getThreadAllocatedBytes(id);
        return (after - before) / (double) calls;
    }
}
