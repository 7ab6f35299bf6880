package dev.vouch.examples.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.ArrayList;
import java.util.List;

/** The shop's tools, as an application writes them for LangChain4j; it never sees Vouch. */
public final class ShopTools {
    /** An order as {@link #lookup} returns it: LangChain4j gives the model its JSON. */
    public record Order(int id, String status, double total) {
    }

    /** What actually ran, to show that blocked and waiting calls did not. */
    final List<String> ran = new ArrayList<>();

    @Tool("Looks up an order by its number")
    public Order lookup(@P("the order number") int order) {
        ran.add("lookup " + order);
        return new Order(order, "shipped", 1240.00);
    }

    @Tool("Refunds an amount on an order")
    public String refund(@P("the order number") int order, @P("the amount to refund") double amount) {
        ran.add("refund " + order + " " + amount);
        return "refund r-" + order + " of " + amount + " issued";
    }

    @Tool("Deletes every trace of an order")
    public String wipe(@P("the order number") int order) {
        ran.add("wipe " + order);
        return "order " + order + " wiped";
    }
}
