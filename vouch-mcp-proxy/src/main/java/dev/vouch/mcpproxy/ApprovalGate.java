package dev.vouch.mcpproxy;

import dev.vouch.guard.Approval;
import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.ApprovalRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Holds the requests the guard asks about while the proxy starts, and passes them to the real approver once
 * {@link #open} is called. The guard announces the calls it takes back from the journal while it is built, before
 * the proxy has refused those no repeat can reach ({@link McpProxy}); without the gate the console asked about such a
 * call, which then read "too late" whatever the operator answered, and held up the prompts behind it.
 */
final class ApprovalGate implements ApprovalHandler {
    private final ApprovalHandler approver;
    private List<Runnable> held = new ArrayList<>();

    ApprovalGate(ApprovalHandler approver) {
        this.approver = approver;
    }

    @Override
    public CompletionStage<Approval> requestApproval(ApprovalRequest request) {
        CompletableFuture<Approval> answer = new CompletableFuture<>();
        Runnable ask = () -> {
            if (answer.isDone()) {
                return; // decided meanwhile (refused at start, or past its deadline): nobody is asked
            }
            CompletionStage<Approval> asked = approver.requestApproval(request);
            asked.whenComplete((a, err) -> {
                if (err != null) {
                    answer.completeExceptionally(err);
                } else {
                    answer.complete(a);
                }
            });
            if (asked instanceof CompletableFuture<Approval> inner) {
                // The guard completes the answer it holds at the deadline, or when the call is cancelled: the approver
                // must learn it too (a console stops asking, an approval command is killed), as without the gate.
                answer.whenComplete((a, err) -> {
                    if (err != null) {
                        inner.completeExceptionally(err);
                    } else {
                        inner.complete(a);
                    }
                });
            }
        };
        synchronized (this) {
            if (held != null) {
                held.add(ask);
                return answer;
            }
        }
        ask.run();
        return answer;
    }

    /** Passes on what was held, and from now on every request at once. */
    void open() {
        List<Runnable> waiting;
        synchronized (this) {
            waiting = held;
            held = null;
        }
        if (waiting != null) {
            waiting.forEach(Runnable::run);
        }
    }
}
