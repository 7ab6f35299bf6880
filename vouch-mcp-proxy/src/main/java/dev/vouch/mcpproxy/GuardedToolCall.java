package dev.vouch.mcpproxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.Guard;
import dev.vouch.guard.ToolCall;
import dev.vouch.internal.StrictText;
import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code tools/call} through the guard. The guard records the call (tool = {@code params.name}, parameters =
 * {@code params.arguments} exactly as sent, tool-call id = the JSON-RPC id) and judges it; only then is the client's
 * request forwarded, its original bytes, so redaction changes what is stored and never what the server gets. The
 * server's answer is recorded (its {@code result}, exact bytes) before it is relayed unchanged; an {@code isError}
 * result or a JSON-RPC error is recorded as TOOL_ERROR. A call that did not run gets an {@code isError} result
 * ({@link Replies}) and never reaches the server.
 *
 * <p>The guard runs asynchronously ({@code attemptAsync}): a call waiting for approval holds no thread, and other
 * traffic flows meanwhile. The answer to the client is sent exactly once, or not at all if the client cancelled.
 */
final class GuardedToolCall implements Route {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedToolCall.class);
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");

    private enum State { JUDGING, FORWARDED, CANCELLED, GONE }

    private final Relay relay;
    private final Envelope request;
    private final Reply reply;
    private final String tool;
    private final byte[] arguments;
    private final String traceparent;
    private final AtomicReference<State> state = new AtomicReference<>(State.JUDGING);
    /** The server's {@code result}, or the failure the guard records; completed by the server's answer. */
    private final CompletableFuture<byte[]> outcome = new CompletableFuture<>();
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile Envelope response;
    /** The guard's future for this call while it is judged as a new call: cancelled if the call is given up. */
    private volatile CompletableFuture<CallResult<byte[]>> attempt;
    private volatile boolean givenUp;

    private GuardedToolCall(Relay relay, Envelope request, Reply reply, String tool, byte[] arguments,
            String traceparent) {
        this.relay = relay;
        this.request = request;
        this.reply = reply;
        this.tool = tool;
        this.arguments = arguments;
        this.traceparent = traceparent;
    }

    /** Judges, records and (if allowed) forwards a {@code tools/call} request; the answer goes to {@code reply}. */
    static void start(Relay relay, Envelope request, Reply reply) {
        byte[] params = request.paramsBytes();
        JsonNode tree;
        try {
            tree = params == null ? null : Json.MAPPER.readTree(params);
        } catch (IOException e) {
            tree = null;
        }
        // The journal holds the id and the tool's name as text fields of at most TextLimit.MAX_BYTES: a longer one
        // is the client's mistake, refused here, before the guard would fail to record it.
        if (!TextLimit.fits(request.idText())) {
            reply.send(Replies.error(request.idBytes(), Replies.INVALID_REQUEST, "Invalid Request: the id of a"
                    + " tools/call is recorded, and may be at most " + TextLimit.MAX_BYTES + " bytes in UTF-8 (this one"
                    + " is " + TextLimit.utf8Bytes(request.idText()) + "); the call was not forwarded"));
            return;
        }
        JsonNode name = tree == null ? null : tree.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            reply.send(Replies.error(request.idBytes(), Replies.INVALID_PARAMS,
                    "tools/call needs params.name, the tool's name (a non-empty string); the call was not forwarded"));
            return;
        }
        String tool = relay.toolPrefix() + name.asText();
        int surrogate = StrictText.unpairedSurrogate(tool);
        String idText = request.idText();
        int idSurrogate = idText == null ? -1 : StrictText.unpairedSurrogate(idText);
        if (surrogate >= 0 || idSurrogate >= 0) {
            // The journal stores text as UTF-8, which has no form for it: the record would name another tool or id.
            reply.send(Replies.error(request.idBytes(), surrogate >= 0 ? Replies.INVALID_PARAMS
                    : Replies.INVALID_REQUEST, (surrogate >= 0 ? "tools/call params.name holds the unpaired surrogate "
                    + StrictText.escaped(tool, surrogate) : "the id of a tools/call holds the unpaired surrogate "
                    + StrictText.escaped(idText, idSurrogate)) + ", which cannot be recorded; the call was not"
                    + " forwarded"));
            return;
        }
        if (!TextLimit.fits(tool)) {
            reply.send(Replies.error(request.idBytes(), Replies.INVALID_PARAMS, "tools/call params.name"
                    + (relay.toolPrefix().isEmpty() ? "" : " with the tool prefix") + " may be at most "
                    + TextLimit.MAX_BYTES + " bytes in UTF-8 (this one is " + TextLimit.utf8Bytes(tool)
                    + "); the call was not forwarded"));
            return;
        }
        JsonNode args = tree.get("arguments");
        byte[] argumentBytes = null;
        if (args != null) { // null is not an object either: MCP's arguments are absent or an object
            if (!args.isObject()) {
                reply.send(Replies.error(request.idBytes(), Replies.INVALID_PARAMS,
                        "tools/call params.arguments must be an object; the call was not forwarded"));
                return;
            }
            argumentBytes = Json.member(params, "arguments").copy(params);
        }
        JsonNode tp = tree.path("_meta").path("traceparent");
        GuardedToolCall call = new GuardedToolCall(relay, request, reply, tool, argumentBytes,
                tp.isTextual() ? tp.asText() : null);
        if (!relay.routes().add(request.idKey, call)) {
            reply.send(Replies.error(request.idBytes(), Replies.INVALID_REQUEST,
                    Routes.ID_TAKEN + "; the call was not forwarded"));
            return;
        }
        call.judge();
    }

    private void judge() {
        Guard guard = relay.guard();
        ToolCall call = ToolCall.of(tool, arguments)
                .id(request.idText())
                .deferApproval(relay.stallMode() == StallMode.PENDING)
                .tag("mcp.method.name", "tools/call")
                .tag("jsonrpc.request.id", request.idText());
        String session = relay.sessionId();
        if (session != null) {
            call = call.tag("mcp.session.id", session);
        }
        var trace = traceparent == null ? null : TRACEPARENT.matcher(traceparent);
        if (trace != null && trace.matches()) {
            try {
                call = call.trace(trace.group(1), trace.group(2));
            } catch (IllegalArgumentException notW3c) {
                // all-zero ids: no trace context
            }
        }
        CompletableFuture<CallResult<byte[]>> result;
        try {
            // A repeat of a call answered "awaiting approval" resumes it (the guard finds it by tool and arguments as
            // JSON values), so that one approval runs it once.
            OptionalLong waiting = relay.stallMode() == StallMode.PENDING ? guard.pendingApprovals().repeatOf(call)
                    : OptionalLong.empty();
            OptionalLong running = relay.stallMode() == StallMode.PENDING && waiting.isEmpty()
                    ? guard.pendingApprovals().runningAs(call) : OptionalLong.empty();
            if (running.isPresent()) {
                // An approved call running now for another repeat: judged as a new call, this one would wait for a
                // second approval of the same operation (an outside trial's racing repeats).
                result = CompletableFuture.failedFuture(new SameCallRuns(running.getAsLong()));
            } else if (waiting.isEmpty()) {
                result = guard.attemptAsync(call, this::forward);
                attempt = result;
                if (givenUp) {
                    result.cancel(true); // given up before the guard's future was here (volatiles: one side sees it)
                }
            } else {
                ToolCall fresh = call;
                result = guard.<byte[]>resumeAsync(waiting.getAsLong(), this::forward).exceptionallyCompose(e -> {
                    if (unwrap(e) instanceof IllegalStateException) { // resumed meanwhile: running, or a new call
                        OptionalLong runs = guard.pendingApprovals().runningAs(fresh);
                        return runs.isPresent() ? CompletableFuture.failedFuture(new SameCallRuns(runs.getAsLong()))
                                : guard.attemptAsync(fresh, this::forward);
                    }
                    return CompletableFuture.failedFuture(e);
                });
            }
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete(this::finish);
    }

    /** The guard's action: forwards the original request, once; its stage completes with the server's answer. */
    private CompletionStage<byte[]> forward() {
        if (state.compareAndSet(State.JUDGING, State.FORWARDED)) {
            relay.send(new Upstream.Outgoing(request.bytes, request.method, request.idKey, this));
        }
        return outcome; // already failed if the client cancelled or the server went away first
    }

    @Override
    public void onResponse(Envelope answer) {
        response = answer;
        if (answer.error != null) {
            outcome.completeExceptionally(new JsonRpcErrorResult(answer.errorBytes()));
            return;
        }
        byte[] result = answer.resultBytes();
        if (result != null && Json.isTrue(result, "isError")) {
            outcome.completeExceptionally(new ToolErrorResult(result));
        } else {
            outcome.complete(result);
        }
    }

    @Override
    public void onFailure(String why) {
        State was = state.getAndUpdate(s -> s == State.JUDGING ? State.GONE : s);
        if (was == State.JUDGING) {
            notForwarded(why);
        } else if (was == State.FORWARDED) {
            outcome.completeExceptionally(UpstreamException.gone(why + "; the call was forwarded and not answered"));
        }
    }

    /**
     * The request could not be written to the server: the record says it was not forwarded. (An outside trial's
     * record read "forwarded and not answered" for a call written to a server whose input was already closed.)
     */
    @Override
    public void onNotSent(String why) {
        if (state.compareAndSet(State.FORWARDED, State.GONE)) {
            outcome.completeExceptionally(UpstreamException.gone(why + "; the call was not forwarded"));
        } else {
            onFailure(why);
        }
    }

    /**
     * A call still waiting for approval when the client goes is refused on record, as when it cancels; a forwarded
     * one waits for its answer. (An outside trial's approver said yes after the client left, and the call was then
     * recorded as "forwarded and not answered" by a server whose input was closed.)
     */
    @Override
    public void onClientGone(String why) {
        if (state.compareAndSet(State.JUDGING, State.GONE)) {
            notForwarded(why);
        }
    }

    /** Ends a call that will not be forwarded: the client is answered at once, and a wait for approval given up. */
    private void notForwarded(String why) {
        String notSent = why + "; the call was not forwarded";
        answer(Replies.error(request.idBytes(), Replies.SERVER_UNAVAILABLE, notSent)); // do not wait for a person
        outcome.completeExceptionally(UpstreamException.gone(notSent));
        giveUp();
    }

    @Override
    public void onAnswerDropped(String why) {
        if (state.compareAndSet(State.FORWARDED, State.GONE)) {
            outcome.completeExceptionally(UpstreamException.dropped(why));
        } else {
            onFailure(why);
        }
    }

    @Override
    public boolean onCancelled(String reason) {
        State was = state.getAndUpdate(s -> s == State.JUDGING || s == State.FORWARDED ? State.CANCELLED : s);
        String why = reason == null || reason.isEmpty() ? "" : " (" + reason + ")";
        if (was == State.JUDGING) {
            noAnswer();
            outcome.completeExceptionally(UpstreamException.cancelled(
                    "the client cancelled the call before it was forwarded; the server never saw it" + why));
            giveUp();
            return false;
        }
        if (was == State.FORWARDED) {
            noAnswer();
            outcome.completeExceptionally(UpstreamException.cancelled(
                    "the client cancelled the call after it was forwarded; the server may have run it" + why));
            return true;
        }
        return false;
    }

    /**
     * Cancels the guard's judgement of a call nobody waits for any more: one still waiting for approval is refused on
     * record ("the caller cancelled the call while it waited for approval") and never runs, and the approver is no
     * longer asked about it. (Before, it stayed pending, and was recorded as a TOOL_ERROR only if someone approved it.)
     */
    private void giveUp() {
        givenUp = true;
        CompletableFuture<CallResult<byte[]>> a = attempt;
        if (a != null) {
            a.cancel(true);
        }
    }

    /** How the guard ended the call: relays the server's answer, or answers for the call that did not run. */
    private void finish(CallResult<byte[]> result, Throwable err) {
        relay.routes().remove(request.idKey, this);
        byte[] id = request.idBytes();
        if (err != null) {
            Throwable cause = unwrap(err);
            if (cause instanceof java.util.concurrent.CancellationException) {
                return; // given up (giveUp): the client was answered, or wanted no answer; the guard recorded it
            }
            Envelope answer = response;
            if (cause instanceof SameCallRuns runs) {
                answer(Replies.running(id, runs.callSequence, tool));
            } else if (cause instanceof ToolErrorResult || cause instanceof JsonRpcErrorResult) {
                answer(answer.bytes);
            } else if (cause instanceof UpstreamException gone) {
                if (!gone.cancelled()) {
                    answer(Replies.error(id, gone.code(), gone.getMessage()));
                }
            } else if (answer != null) {
                LOG.error("[CRITICAL] the outcome of {} (id {}) could not be recorded; the server's answer is relayed",
                        tool, request.idText(), cause);
                answer(answer.bytes);
            } else {
                LOG.error("[CRITICAL] {} (id {}) could not be recorded, so it was not forwarded", tool,
                        request.idText(), cause);
                answer(Replies.error(id, Replies.INTERNAL_ERROR,
                        "Vouch could not record this call, so it was not forwarded (the proxy's log says why)"));
            }
            return;
        }
        if (result instanceof CallResult.Completed) {
            answer(response.bytes);
        } else if (result instanceof CallResult.Refused<byte[]> refused) {
            answer(Replies.refused(id, refused));
        } else if (result instanceof CallResult.Pending<byte[]> pending) {
            answer(Replies.pending(id, pending));
        }
    }

    /** A repeat not run: the approved call it repeats runs for another request ({@code PendingApprovals.runningAs}). */
    private static final class SameCallRuns extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long callSequence;

        SameCallRuns(long callSequence) {
            super(null, null, false, false);
            this.callSequence = callSequence;
        }
    }

    private void answer(byte[] message) {
        if (answered.compareAndSet(false, true)) {
            reply.send(message);
        }
    }

    private void noAnswer() {
        if (answered.compareAndSet(false, true)) {
            reply.none();
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
