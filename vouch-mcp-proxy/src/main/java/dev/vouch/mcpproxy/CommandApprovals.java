package dev.vouch.mcpproxy;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.guard.Approval;
import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.ApprovalRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Asks a program about each stalled call ({@code --approvals command}): an MCP client that starts the proxy gives it
 * no terminal, so the console cannot ask anyone, and an outside trial found no way to approve a call from the command
 * line but refusing them all. The program runs through {@code /bin/sh -c} once per stalled call, with the request as
 * one JSON object on its standard input and in {@code VOUCH_*} environment variables; its exit status is the answer
 * (0 approves, 1 refuses, anything else refuses and says so), and lines {@code approver=NAME} and
 * {@code reason=TEXT} on its standard output name who answered and why. It may take as long as a person does: when
 * the policy's deadline passes (the guard records TIMED_OUT) or the call is cancelled, the program is killed, and so
 * is every program still asking when the proxy stops ({@link #close}): the call stays pending in the journal, and the
 * next start asks again (an outside trial found each restart left one more program, still asking, behind). What it
 * writes to standard error is copied to the proxy's (standard output carries MCP, so the program's own never reaches
 * the client), through a pipe of its own: a program that inherited the proxy's standard error held the client's pipe
 * open after a {@code kill -9} of the proxy, and an outside trial's TypeScript client never saw the proxy go (its
 * calls timed out instead of failing at once) until the orphaned program ended.
 */
final class CommandApprovals implements ApprovalHandler, AutoCloseable {
    /** What a program says on standard output is read up to this much; the rest is discarded. */
    static final int MAX_OUTPUT = 64 * 1024;
    /** The approver recorded when the program names none. */
    static final String DEFAULT_APPROVER = "approval-command";

    private final String command;
    private final ExecutorService runners = Executors.newCachedThreadPool(r -> Relay.daemon("vouch-approval-command", r));
    /** The programs asking now. */
    private final java.util.Set<Process> asking = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Where the programs' standard error is copied: the proxy's own. */
    private final PrintStream err;

    CommandApprovals(String command, PrintStream err) {
        this.command = command;
        this.err = err;
    }

    @Override
    public CompletionStage<Approval> requestApproval(ApprovalRequest request) {
        CompletableFuture<Approval> answer = new CompletableFuture<>();
        runners.execute(() -> ask(request, answer));
        return answer;
    }

    private void ask(ApprovalRequest request, CompletableFuture<Approval> answer) {
        if (answer.isDone()) {
            return; // the call was cancelled, or its deadline passed, before the program could start
        }
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command);
        environment(pb.environment(), request);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            answer.complete(Approval.refused(DEFAULT_APPROVER, "the approval command could not be started: "
                    + e.getMessage()));
            return;
        }
        asking.add(p);
        runners.execute(() -> copyErrors(p.getErrorStream()));
        if (closed) {
            kill(p); // stopped while it started
        }
        // At the deadline the guard completes the answer with its own refusal; a cancelled call completes it too.
        answer.whenComplete((a, e) -> kill(p));
        try (OutputStream in = p.getOutputStream()) {
            in.write(requestJson(request));
        } catch (IOException ignored) {
            // The program need not read its input: the environment holds the essentials.
        }
        byte[] said;
        try (InputStream out = p.getInputStream()) {
            said = out.readNBytes(MAX_OUTPUT);
            out.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            said = new byte[0];
        }
        int status;
        try {
            status = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(p);
            return;
        } finally {
            asking.remove(p);
        }
        if (closed) {
            return; // killed because the proxy stops: no answer, the call stays pending for the next start
        }
        String approver = DEFAULT_APPROVER;
        String reason = null;
        for (String line : new String(said, StandardCharsets.UTF_8).split("\r?\n")) {
            if (line.startsWith("approver=") && line.length() > "approver=".length()) {
                approver = clip(line.substring("approver=".length()).strip(), 256);
            } else if (line.startsWith("reason=")) {
                reason = clip(line.substring("reason=".length()).strip(), 4096);
            }
        }
        answer.complete(switch (status) {
            case 0 -> Approval.granted(approver, reason == null ? "approved by the approval command" : reason);
            case 1 -> Approval.refused(approver, reason == null ? "refused by the approval command" : reason);
            default -> Approval.refused(approver, "the approval command failed (exit status " + status + ")"
                    + (reason == null ? "" : ": " + reason));
        });
    }

    /** Copies what a program writes to standard error to the proxy's, until the program (and what it started) ends. */
    private void copyErrors(InputStream errors) {
        byte[] buffer = new byte[8192];
        byte last = '\n';
        try (errors) {
            for (int n; (n = errors.read(buffer)) > 0; ) {
                synchronized (err) {
                    err.write(buffer, 0, n);
                    err.flush();
                }
                last = buffer[n - 1];
            }
        } catch (IOException ignored) {
            // The program ended, or was killed: nothing more to copy.
        }
        if (last != '\n') {
            // A last line without its end would run into whatever the proxy, or the next program, writes next.
            synchronized (err) {
                err.write('\n');
                err.flush();
            }
        }
    }

    /** Kills a program that still runs, and what it started (a shell's children: sleep, curl, a dialog...). */
    private static void kill(Process p) {
        if (p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** Kills every program still asking; their calls get no answer here (they stay pending in the journal). */
    @Override
    public void close() {
        closed = true;
        for (Process p : asking) {
            kill(p);
        }
        runners.shutdownNow();
    }

    /** A program's line kept to {@code max} characters: it is recorded, and the approval record's size is bounded. */
    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private static void environment(Map<String, String> env, ApprovalRequest r) {
        env.put("VOUCH_SEQ", Long.toString(r.callSequence()));
        env.put("VOUCH_AGENT", r.agent());
        env.put("VOUCH_TASK", r.task() == null ? "" : r.task());
        env.put("VOUCH_TOOL", r.tool());
        env.put("VOUCH_POLICY", r.policyId() == null ? "" : r.policyId());
        env.put("VOUCH_RISK", r.risk().name().toLowerCase(Locale.ROOT));
        env.put("VOUCH_REASON", r.reason() == null ? "" : r.reason());
        env.put("VOUCH_DEADLINE", r.deadline().toString());
    }

    /** The request as the gateway lists a waiting call (docs/GATEWAY.md, GET /v1/approvals), one object. */
    static byte[] requestJson(ApprovalRequest r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(b)) {
            g.writeStartObject();
            g.writeNumberField("seq", r.callSequence());
            g.writeStringField("agent", r.agent());
            g.writeStringField("task", r.task());
            g.writeStringField("tool", r.tool());
            g.writeStringField("call_id", r.toolCallId());
            g.writeStringField("principal", r.principal());
            g.writeFieldName("params");
            g.writeRawValue(r.storedParams().isEmpty() ? "{}" : r.storedParams());
            g.writeStringField("policy", r.policyId());
            g.writeStringField("risk", r.risk().name().toLowerCase(Locale.ROOT));
            g.writeStringField("reason", r.reason());
            g.writeStringField("requested_at", r.requestedAt().toString());
            g.writeStringField("deadline", r.deadline().toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        b.write('\n');
        return b.toByteArray();
    }
}
