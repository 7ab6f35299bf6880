package dev.vouch.guard;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Asks someone (or something) to approve a stalled call: the approval SPI. The guard calls
 * {@link #requestApproval} once per stalled call, after the TOOL_CALL and its STALL decision are in the
 * journal, and waits for the returned stage at most the policy's approval timeout. Whatever happens, the
 * outcome is recorded (APPROVAL: APPROVED, REFUSED or TIMED_OUT) before the tool runs or the caller is told
 * no, and the tool runs only on an approval.
 *
 * <ul>
 *   <li>A stage completed with an {@link Approval}: approved or refused, as it says.</li>
 *   <li>A stage completed exceptionally, cancelled, completed with {@code null}, a {@code null} stage, or
 *       {@code requestApproval} throwing: refused, with the error recorded.</li>
 *   <li>No completion before the deadline: TIMED_OUT. If the stage is a {@link CompletableFuture}, the
 *       guard completes it at the deadline with a refusal by {@code vouch.guard}, so a handler watching
 *       its own future (as {@link ProgrammaticApprovals} does) learns that the request is gone and a late
 *       answer is refused ({@code complete} returns false).</li>
 * </ul>
 *
 * <p>Return a new future per request. {@code requestApproval} is called on the caller's thread (for
 * {@code callAsync}, the thread that called it) and should return quickly; do the asking elsewhere. Shipped:
 * {@link ProgrammaticApprovals} (a future per request, for an app, a chat bot or an HTTP endpoint),
 * {@link ConsoleApprovals} (a terminal prompt), {@link #alwaysDeny()}. docs/GUARD.md shows how a sidecar or
 * gateway plugs in its own.
 */
@FunctionalInterface
public interface ApprovalHandler {
    CompletionStage<Approval> requestApproval(ApprovalRequest request);

    /** Refuses every stalled call at once; the guard's default, so that a stall never runs by accident. */
    static ApprovalHandler alwaysDeny() {
        return request -> CompletableFuture.completedFuture(
                Approval.refused("vouch.always-deny", "no approver is configured: every stalled call is refused"));
    }
}
