package dev.vouch.spring.ai;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.ai.tool.function.FunctionToolCallback;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The tools the tests give the model, as an application declares them: {@code @Tool} methods and a function bean. */
public class Shop {
    /** The policy the tests run under. */
    static final String POLICY = """
            version: "2026.1"
            defaults:
              default_action: allow
            policies:
              - id: no-account-deletion
                match_methods: ["delete_account"]
                action: block
                risk_level: critical
                reason: Accounts are deleted by people, not agents
              - id: refunds-need-a-person
                match_methods: ["refund_payment"]
                action: stall
                risk_level: high
                reason: Refunds need a second pair of eyes
                approval_timeout: 10s
            """;

    public record Order(long id, String status, double total) {
    }

    public record Refund(long order, double amount) {
    }

    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    /** How many times the tool's code ran. */
    int runs(String tool) {
        return runs.computeIfAbsent(tool, t -> new AtomicInteger()).get();
    }

    private void ran(String tool) {
        runs.computeIfAbsent(tool, t -> new AtomicInteger()).incrementAndGet();
    }

    @Tool(name = "read_order", description = "Reads an order")
    public Order readOrder(@ToolParam(description = "the order id") long id) {
        ran("read_order");
        return new Order(id, "shipped", 900.0);
    }

    @Tool(name = "delete_account", description = "Deletes a customer account")
    public String deleteAccount(@ToolParam(description = "the customer") String customer) {
        ran("delete_account");
        return "deleted " + customer;
    }

    @Tool(name = "charge_card", description = "Charges the card on file")
    public String chargeCard(@ToolParam(description = "the order id") long order) {
        ran("charge_card");
        throw new IllegalStateException("card declined for order " + order);
    }

    @Tool(name = "count_stock", description = "Counts the stock of an item")
    public int countStock(@ToolParam(description = "the item") String item) {
        ran("count_stock");
        throw new AssertionError("stock counter broken for " + item);
    }

    String refund(Refund r) {
        ran("refund_payment");
        return "{\"refund\":\"r-" + r.order() + "\",\"amount\":" + r.amount() + "}";
    }

    /** The beans: the {@code @Tool} methods through a provider, and the refund as a {@code ToolCallback} bean. */
    @Configuration(proxyBeanMethods = false)
    static class Tools {
        @Bean
        Shop shop() {
            return new Shop();
        }

        @Bean
        ToolCallbackProvider shopTools(Shop shop) {
            return MethodToolCallbackProvider.builder().toolObjects(shop).build();
        }

        @Bean
        ToolCallback refundPayment(Shop shop) {
            return FunctionToolCallback.builder("refund_payment", shop::refund)
                    .description("Refunds part of an order")
                    .inputType(Refund.class)
                    .toolCallResultConverter((result, type) -> (String) result) // already JSON
                    .build();
        }
    }
}
