package dev.vouch.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicInteger;

/** Explicit tools, as an application writes them: counted, so a test can tell whether a tool ran. */
public final class OrderTools {
    /** What {@link #lookup} returns: LangChain4j gives the model its JSON. */
    public record Order(int id, String status, BigDecimal total) {
    }

    final AtomicInteger lookups = new AtomicInteger();
    final AtomicInteger refunds = new AtomicInteger();
    final AtomicInteger wipes = new AtomicInteger();

    @Tool("Looks up an order")
    public Order lookup(@P("the order number") int order) {
        lookups.incrementAndGet();
        return new Order(order, "shipped", new BigDecimal("19.90"));
    }

    @Tool("Refunds part of an order")
    public String refund(int order, double amount) {
        refunds.incrementAndGet();
        return "refund r-" + order + " of " + amount;
    }

    @Tool("Deletes every trace of an order")
    public String wipe(int order) {
        wipes.incrementAndGet();
        return "wiped " + order;
    }

    @Tool("Cancels an order")
    public String cancel(int order) {
        throw new IllegalStateException("the warehouse already shipped order " + order);
    }
}
