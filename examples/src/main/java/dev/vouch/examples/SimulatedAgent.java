package dev.vouch.examples;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.Recorder;
import java.util.Locale;

/**
 * A support agent without an LLM: it works through refund tickets by calling tools, the way a real agent
 * would, and records every step through a {@link Recorder}. It depends only on the {@code Recorder} interface,
 * as agent code should; start-up code chooses the ledger behind it.
 *
 * <p>Each tool call is recorded write-ahead ({@link Recorder#recordDurably}): it is in the journal before the
 * tool runs, so a tool that crashes the JVM still leaves its call on record. Results are fire-and-forget.
 */
final class SimulatedAgent {
    private final Recorder recorder;
    private final String agentId;
    private final Event event = new Event();
    private int toolCalls;

    SimulatedAgent(Recorder recorder, String agentId) {
        this.recorder = recorder;
        this.agentId = agentId;
    }

    int toolCalls() {
        return toolCalls;
    }

    /** One ticket: look the customer up, check the order, refund it in a sub-task, tidy up in another. */
    void handleTicket(int ticket) {
        String ticketTask = "ticket-" + ticket;
        long ticketStart = startTask(ticketTask, Event.NO_PARENT);
        String customer = call(ticketTask, ticketStart, "crm.lookup_customer",
                "{\"ticket\":" + ticket + "}", "{\"customer\":\"c-" + (700 + ticket) + "\",\"tier\":\"gold\"}");
        call(ticketTask, ticketStart, "orders.get", "{\"order\":" + (4000 + ticket) + "}",
                "{\"order\":" + (4000 + ticket) + ",\"amount\":" + amount(ticket) + ",\"status\":\"delivered\"}");

        String refundTask = "refund-order-" + (4000 + ticket);
        long refundStart = startTask(refundTask, ticketStart);
        call(refundTask, refundStart, "payments.refund",
                "{\"order\":" + (4000 + ticket) + ",\"amount\":" + amount(ticket) + ",\"currency\":\"EUR\"}",
                "{\"refund\":\"r-" + (9000 + ticket) + "\",\"state\":\"settled\"}");
        call(refundTask, refundStart, "email.send",
                "{\"to\":\"" + customer + "\",\"template\":\"refund-confirmation\"}", "{\"queued\":true}");
        endTask(refundTask, refundStart);

        String cleanupTask = "cleanup-" + ticket;
        long cleanupStart = startTask(cleanupTask, ticketStart);
        if (ticket % 3 == 0) {
            fail(cleanupTask, cleanupStart, "fs.delete", "{\"path\":\"/tmp/ticket-" + ticket + ".lock\"}",
                    "{\"error\":\"ENOENT\",\"message\":\"no such file\"}");
        } else {
            call(cleanupTask, cleanupStart, "fs.delete", "{\"path\":\"/tmp/ticket-" + ticket + ".lock\"}",
                    "{\"deleted\":true}");
        }
        endTask(cleanupTask, cleanupStart);

        call(ticketTask, ticketStart, "tickets.close", "{\"ticket\":" + ticket + ",\"resolution\":\"refunded\"}",
                "{\"closed\":true}");
        endTask(ticketTask, ticketStart);
    }

    private static String amount(int ticket) {
        return String.format(Locale.ROOT, "%.2f", 10 + ticket * 7.25);
    }

    private long startTask(String task, long parent) {
        return recorder.recordDurably(event.reset().kind(EventKind.TASK_START).agent(agentId).task(task)
                .name(task).parent(parent));
    }

    private void endTask(String task, long start) {
        recorder.record(event.reset().kind(EventKind.TASK_END).agent(agentId).task(task).name(task).parent(start));
    }

    /** Records the call write-ahead, "runs" the tool, records its result; returns a value from the result. */
    private String call(String task, long parent, String tool, String params, String result) {
        long call = recorder.recordDurably(event.reset().kind(EventKind.TOOL_CALL).agent(agentId).task(task)
                .name(tool).parent(parent).params(params));
        toolCalls++;
        recorder.record(event.reset().kind(EventKind.TOOL_RESULT).agent(agentId).task(task).name(tool)
                .parent(call).result(result));
        int customer = result.indexOf("\"customer\":\"");
        return customer < 0 ? "" : result.substring(customer + 12, result.indexOf('"', customer + 12));
    }

    private void fail(String task, long parent, String tool, String params, String error) {
        long call = recorder.recordDurably(event.reset().kind(EventKind.TOOL_CALL).agent(agentId).task(task)
                .name(tool).parent(parent).params(params));
        toolCalls++;
        recorder.record(event.reset().kind(EventKind.TOOL_ERROR).agent(agentId).task(task).name(tool)
                .parent(call).result(error));
    }
}
