package dev.vouch.guard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Asks a person at a terminal: prints the stalled call (tool, parameters as the journal stores them, rule,
 * risk, reason, deadline) and reads three answers, one per line: {@code y} to approve (anything else
 * refuses), the approver's name, and a reason. A refusal asks for both too, since the journal records who refused
 * and why as it records who approved. The name prompt shows what an empty answer records, the OS user name:
 * {@code your name [alice]:}.
 *
 * <pre>{@code
 * try (ConsoleApprovals console = new ConsoleApprovals()) {   // prompts on System.err, reads System.in
 *     Guard guard = Guard.builder(ledger).policy(policy).approvals(console).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>Prompts run one at a time on a daemon thread of their own, so the guard's deadline holds even while
 * nobody types. A request decided before its prompt (timed out, cancelled) is skipped; an answer typed after that is
 * reported as too late and does not count. End of input refuses the request. {@link #close()} stops the
 * prompt thread (a read blocked on {@code System.in} cannot be interrupted; the thread is a daemon).
 */
public final class ConsoleApprovals implements ApprovalHandler, AutoCloseable {
    private final BufferedReader in;
    private final PrintStream out;
    private final ExecutorService prompter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vouch-console-approvals");
        t.setDaemon(true);
        return t;
    });

    /** Prompts on {@code System.err} and reads {@code System.in}. */
    public ConsoleApprovals() {
        this(new InputStreamReader(System.in, Charset.defaultCharset()), System.err);
    }

    /** Prompts on {@code out} and reads answers from {@code in}. */
    public ConsoleApprovals(Reader in, PrintStream out) {
        Objects.requireNonNull(in, "in");
        this.in = in instanceof BufferedReader b ? b : new BufferedReader(in);
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public CompletionStage<Approval> requestApproval(ApprovalRequest request) {
        CompletableFuture<Approval> answer = new CompletableFuture<>();
        prompter.execute(() -> prompt(request, answer));
        return answer;
    }

    private void prompt(ApprovalRequest r, CompletableFuture<Approval> answer) {
        if (answer.isDone()) {
            out.println("[vouch] call seq " + r.callSequence() + " (" + r.tool() + ") was decided before it could be"
                    + " shown (" + decided(answer) + ")");
            return;
        }
        out.println("[vouch] approval needed: " + r.tool() + " " + r.storedParams());
        out.println("[vouch]   agent " + r.agent() + (r.task().isEmpty() ? "" : ", task " + r.task())
                + ", call seq " + r.callSequence());
        out.println("[vouch]   policy " + r.policyId() + ", risk " + r.risk().name().toLowerCase(Locale.ROOT)
                + (r.reason().isEmpty() ? "" : ": " + r.reason()));
        out.println("[vouch]   answer before " + r.deadline());
        try {
            String yes = ask("[vouch] approve? [y/N] ");
            if (yes == null) {
                answer.complete(Approval.refused("console", "no answer: the console input ended"));
                return;
            }
            boolean approved = yes.strip().equalsIgnoreCase("y") || yes.strip().equalsIgnoreCase("yes");
            // An outside trial: after "n" it still asked for a name, and an empty one was recorded as "refused by
            // root", a surprise. A refusal is recorded with its approver as an approval is, so the name is still
            // asked, but the prompt says what is being decided and which name an empty answer records.
            String fallback = osUser();
            String name = ask("[vouch] " + (approved ? "approving" : "refusing") + " call seq " + r.callSequence()
                    + "; your name [" + fallback + "]: ");
            String reason = name == null ? null : ask("[vouch] reason: ");
            name = name == null || name.isBlank() ? fallback : name.strip();
            Approval a = approved ? Approval.granted(name, reason) : Approval.refused(name, reason);
            if (answer.complete(a)) {
                out.println("[vouch] call seq " + r.callSequence() + (approved ? " approved by " : " refused by ") + name);
            } else {
                out.println("[vouch] too late: call seq " + r.callSequence() + " was already decided ("
                        + decided(answer) + "); this answer does not count");
            }
        } catch (IOException | RuntimeException e) {
            answer.completeExceptionally(e);
        }
    }

    /** How the answer that came first reads: a deadline, a cancelled call, or another approver. */
    private static String decided(CompletableFuture<Approval> answer) {
        Approval first;
        try {
            first = answer.getNow(null);
        } catch (RuntimeException failed) {
            return "the approval failed";
        }
        if (first == null) {
            return "decided";
        }
        return first.approved() ? "approved by " + first.approver()
                : first.reason() == null || first.reason().isEmpty() ? "refused by " + first.approver()
                : "refused: " + first.reason();
    }

    /** The name an empty answer records; never blank, which {@link Approval} refuses. */
    private static String osUser() {
        String user = System.getProperty("user.name", "");
        return user.isBlank() ? "console" : user.strip();
    }

    private String ask(String question) throws IOException {
        out.print(question);
        out.flush();
        return in.readLine();
    }

    /** Stops prompting; requests not yet shown are never shown and time out. */
    @Override
    public void close() {
        prompter.shutdownNow();
    }
}
