package dev.vouch.examples.springai;

import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/** The agent's tools, written as any Spring AI application writes them. Nothing here knows about Vouch. */
public class OrderTools {

    /** An order as the shop's system returns it. */
    public record Order(long id, String customer, String status, double total) {
    }

    /** A refund as the payment provider confirms it. */
    public record Refund(String refund, long order, double amount) {
    }

    @Tool(name = "read_order", description = "Reads an order: its customer, status and total")
    public Order readOrder(@ToolParam(description = "the order id") long id) {
        return new Order(id, "customer-7", "lost in transit", 249.90);
    }

    @Tool(name = "refund_payment", description = "Refunds an amount of an order to the customer's card")
    public Refund refundPayment(@ToolParam(description = "the order id") long order,
            @ToolParam(description = "the amount to refund") double amount) {
        return new Refund("re_" + order + "_1", order, amount);
    }

    @Tool(name = "close_account", description = "Closes a customer's account")
    public String closeAccount(@ToolParam(description = "the customer id") String customer) {
        return "closed " + customer;
    }
}
