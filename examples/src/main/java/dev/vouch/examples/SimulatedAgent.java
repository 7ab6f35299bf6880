package dev.vouch.examples;

import dev.vouch.guard.ApprovalRefusedException;
import dev.vouch.guard.Guard;
import dev.vouch.guard.Task;
import dev.vouch.guard.ToolBlockedException;
import java.util.Locale;

/**
 * A support agent without an LLM: it works through refund tickets by calling tools, the way a real agent would,
 * and every call goes through the {@link Guard}. The guard records the call before the tool runs, asks the
 * policy, waits for a person when the policy says stall, and records the result; the agent only sees the result
 * or an exception.
 */
final class SimulatedAgent {
    /** Ticket 2's refund is large and gets approved; ticket 5's is larger and gets refused. */
    static final int APPROVED_TICKET = 2;
    static final int REFUSED_TICKET = 5;
    /** The card number the agent passes to the payment tool; the policy redacts it from the journal. */
    static final String CARD_NUMBER = "4111111111111111";

    private final Guard guard;
    int calls;
    int blocked;
    int refused;

    SimulatedAgent(Guard guard) {
        this.guard = guard;
    }

    // A Task is a scope: try-with-resources ends it, so the body need not name it (javac's "try" lint disagrees).
    @SuppressWarnings("try")
    void handleTicket(int ticket) {
        int order = 4000 + ticket;
        try (Task ticketTask = guard.task("ticket-" + ticket)) {
            String customer = call("crm.lookup_customer",
                    "{\"ticket\":" + ticket + ",\"email\":\"customer" + ticket + "@example.com\"}",
                    "{\"customer\":\"c-" + (700 + ticket) + "\",\"tier\":\"gold\"}");
            call("orders.get", "{\"order\":" + order + "}",
                    "{\"order\":" + order + ",\"amount\":" + amount(ticket) + ",\"status\":\"delivered\"}");

            try (Task refund = guard.task("refund-order-" + order)) {
                try {
                    call("payments.refund", "{\"order\":" + order + ",\"amount\":" + amount(ticket)
                            + ",\"currency\":\"EUR\",\"card\":{\"number\":\"" + CARD_NUMBER + "\"}}",
                            "{\"refund\":\"r-" + (9000 + ticket) + "\",\"state\":\"settled\"}");
                    call("email.send", "{\"to\":\"" + customer + "\",\"template\":\"refund-confirmation\"}",
                            "{\"queued\":true}");
                } catch (ApprovalRefusedException e) {
                    refused++; // the refund never ran; the agent tells the customer a person will follow up
                    call("email.send", "{\"to\":\"" + customer + "\",\"template\":\"refund-under-review\"}",
                            "{\"queued\":true}");
                }
            }

            try (Task cleanup = guard.task("cleanup-" + ticket)) {
                call("fs.delete", "{\"path\":\"/tmp/ticket-" + ticket + ".lock\"}", "{\"deleted\":true}");
                if (ticket == 3) {
                    try {
                        // A confused agent reaching too far: the policy blocks it and the tool never runs.
                        call("fs.delete", "{\"path\":\"/var/lib/orders\"}", "{\"deleted\":true}");
                    } catch (ToolBlockedException e) {
                        blocked++;
                    }
                }
            }
            call("tickets.close", "{\"ticket\":" + ticket + ",\"resolution\":\"handled\"}", "{\"closed\":true}");
        }
    }

    static String amount(int ticket) {
        double amount = ticket == APPROVED_TICKET ? 750 : ticket == REFUSED_TICKET ? 2400 : 10 + ticket * 7.25;
        return String.format(Locale.ROOT, "%.2f", amount);
    }

    /** Calls a simulated tool through the guard; returns the customer id when the result names one. */
    private String call(String tool, String params, String result) {
        calls++;
        String r = guard.call(tool, params, () -> result);
        int customer = r.indexOf("\"customer\":\"");
        return customer < 0 ? "" : r.substring(customer + 12, r.indexOf('"', customer + 12));
    }
}
