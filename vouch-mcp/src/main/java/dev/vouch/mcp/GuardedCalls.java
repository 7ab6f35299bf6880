package dev.vouch.mcp;

import dev.vouch.Event;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.Context;
import dev.vouch.guard.Guard;
import dev.vouch.guard.ToolAction;
import dev.vouch.guard.ToolCall;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * One guarded {@code tools/call}, the same for every hook (server handlers, client {@code callTool}, sync and
 * async): describe the call to the guard, run the tool through it, and turn how it ended into what MCP returns. The
 * tool's result is stored as JSON written by the SDK's own mapper; an {@code isError: true} result is recorded as
 * TOOL_ERROR and still returned; a blocked, refused or pending call becomes an {@code isError: true} result that
 * says why ({@link Refusals}). With {@link StallMode#PENDING}, a repeat of a waiting call resumes it.
 */
final class GuardedCalls {
    private final Guard guard;
    private final StallMode stallMode;
    private final McpJsonMapper mapper;
    private final String toolPrefix;
    private final PendingCalls pending = new PendingCalls();

    GuardedCalls(Guard guard, StallMode stallMode, McpJsonMapper mapper, String toolPrefix) {
        this.guard = guard;
        this.stallMode = stallMode;
        this.mapper = mapper;
        this.toolPrefix = toolPrefix;
        if (stallMode == StallMode.PENDING) {
            // Calls a previous run left waiting (GuardBuilder.recoverPending): a repeat must find them as it would
            // have before the restart, or the approval of one reaches nothing. The guard matches a repeat by the
            // arguments as stored, so only where nothing was redacted; otherwise a repeat is judged as a new call.
            for (ApprovalRequest r : guard.pendingApprovals().list()) {
                Map<String, Object> arguments = storedArguments(r);
                if (arguments != null && r.tool().startsWith(toolPrefix)) {
                    pending.remember(r.callSequence(), CallToolRequest.builder(r.tool().substring(toolPrefix.length()))
                            .arguments(arguments).build());
                }
            }
        }
    }

    private Map<String, Object> storedArguments(ApprovalRequest r) {
        if (!r.paramsStoredExactly()) {
            return null;
        }
        try {
            return mapper.readValue(r.storedParams(), new TypeRef<Map<String, Object>>() { });
        } catch (IOException | RuntimeException notAnObject) {
            return null;
        }
    }

    /** The name the guard judges and records: the tool's name after the configured prefix. */
    String recordedName(String tool) {
        return toolPrefix + tool;
    }

    /** Who and what a call is, beyond the request itself. */
    record Origin(String toolCallId, String principal, String sessionId) {
        static final Origin NONE = new Origin(null, null, null);
    }

    // ---------------------------------------------------------------- synchronous

    /**
     * Runs {@code invoke} (the real tool, or the real server) under the guard.
     *
     * @throws RuntimeException the tool's own exception, after the guard recorded it as TOOL_ERROR
     */
    CallToolResult call(CallToolRequest request, Origin origin, Supplier<CallToolResult> invoke) {
        ToolCall call = toolCall(request, origin);
        return run(request, call, repeatOf(call), false, invoke);
    }

    /**
     * Runs a call that returned "awaiting approval" again, by its sequence number: the tool runs if it was approved.
     *
     * @throws IllegalStateException if no call with this number waits here
     */
    CallToolResult resume(long callSequence, java.util.function.Function<CallToolRequest, CallToolResult> invoke) {
        CallToolRequest request = pending.request(callSequence);
        if (request == null) {
            throw new IllegalStateException("no call with sequence number " + callSequence
                    + " awaits approval here (never pending, already resumed or refused, or forgotten)");
        }
        return run(request, toolCall(request, Origin.NONE), callSequence, true, () -> invoke.apply(request));
    }

    /**
     * @param resume   the waiting call to resume, or null for a new call
     * @param explicit whether {@code resume} was asked for by number ({@link #resume}) rather than found as the call
     *     this one repeats: a repeat whose call is gone (resumed by a concurrent repeat) is judged as a new call, an
     *     explicit resume of it fails
     */
    private CallToolResult run(CallToolRequest request, ToolCall call, Long resume, boolean explicit,
            Supplier<CallToolResult> invoke) {
        Outcome out = new Outcome();
        boolean[] started = new boolean[1]; // the guard runs the action on this thread
        ToolAction<byte[], RuntimeException> action = () -> {
            started[0] = true;
            return out.accept(invoke.get());
        };
        Long resumed = resume;
        CallResult<byte[]> r;
        try {
            if (resume == null) {
                CallToolResult running = runningElsewhere(call);
                if (running != null) {
                    return running;
                }
                r = guard.attempt(call, action);
            } else {
                try {
                    r = guard.resume(resume, action);
                } catch (IllegalStateException gone) {
                    if (started[0] || explicit) {
                        throw gone; // the tool's own exception, or a call asked for by number that does not wait
                    }
                    pending.forget(resume);
                    CallToolResult running = runningElsewhere(call);
                    if (running != null) {
                        return running;
                    }
                    resumed = null;
                    r = guard.attempt(call, action);
                }
            }
        } catch (ToolErrorResult isError) {
            settled(resumed);
            return isError.result();
        } catch (RuntimeException | Error toolFailed) {
            settled(resumed);
            throw toolFailed;
        }
        return answer(r, request, call, resumed, out);
    }

    // ---------------------------------------------------------------- asynchronous

    /**
     * As {@link #call}, for a tool that answers with a {@link Mono}: judged when the returned Mono is subscribed, in
     * the task current where it was made (if any; else where it is subscribed), so that a Mono subscribed on a
     * scheduler's thread keeps its task. Cancelling the subscription cancels the call: one still waiting for
     * approval is refused (and never runs), a running tool's Mono is cancelled; either is recorded.
     */
    Mono<CallToolResult> callAsync(CallToolRequest request, Origin origin, Supplier<Mono<CallToolResult>> invoke) {
        Supplier<Mono<CallToolResult>> judged = () -> {
            ToolCall call = toolCall(request, origin);
            return runAsync(request, call, repeatOf(call), false, invoke);
        };
        Context made = guard.context();
        boolean carries = !made.task().isEmpty() || made.parent() != Event.NO_PARENT;
        return Mono.defer(carries ? made.wrapSupplier(judged) : judged);
    }

    /** As {@link #resume}, for an asynchronous tool. */
    Mono<CallToolResult> resumeAsync(long callSequence,
            java.util.function.Function<CallToolRequest, Mono<CallToolResult>> invoke) {
        return Mono.defer(() -> {
            CallToolRequest request = pending.request(callSequence);
            if (request == null) {
                return Mono.error(new IllegalStateException("no call with sequence number " + callSequence
                        + " awaits approval here (never pending, already resumed or refused, or forgotten)"));
            }
            return runAsync(request, toolCall(request, Origin.NONE), callSequence, true, () -> invoke.apply(request));
        });
    }

    /** As {@link #run}, for a tool that answers with a {@link Mono}. */
    private Mono<CallToolResult> runAsync(CallToolRequest request, ToolCall call, Long resume, boolean explicit,
            Supplier<Mono<CallToolResult>> invoke) {
        Outcome out = new Outcome();
        AtomicBoolean started = new AtomicBoolean();
        Supplier<CompletionStage<byte[]>> action = () -> {
            started.set(true);
            Mono<CallToolResult> result = invoke.get();
            if (result == null) {
                throw new NullPointerException("the tool's handler returned no Mono (null)");
            }
            // toFuture's future cancels its subscription when cancelled: a call cancelled here stops the tool.
            CompletableFuture<CallToolResult> running = result.toFuture();
            CompletableFuture<byte[]> accepted = running.thenApply(out::accept);
            accepted.whenComplete((r, e) -> {
                if (accepted.isCancelled()) {
                    running.cancel(true);
                }
            });
            return accepted;
        };
        CompletableFuture<CallResult<byte[]>> f;
        Long resumed = resume;
        if (resume == null) {
            CallToolResult running = runningElsewhere(call);
            if (running != null) {
                return Mono.just(running);
            }
            f = guard.attemptAsync(call, action);
        } else {
            f = guard.resumeAsync(resume, action);
            if (!explicit && !started.get() && f.isCompletedExceptionally()
                    && unwrap(f) instanceof IllegalStateException) {
                pending.forget(resume); // as in run: a repeat whose call is gone is judged as a new call
                CallToolResult running = runningElsewhere(call);
                if (running != null) {
                    return Mono.just(running);
                }
                resumed = null;
                f = guard.attemptAsync(call, action);
            }
        }
        Long settles = resumed;
        return Mono.fromFuture(f, false) // a cancelled subscription cancels the call (see callAsync)
                .map(r -> answer(r, request, call, settles, out))
                .onErrorResume(e -> {
                    settled(settles);
                    Throwable cause = unwrap(e);
                    return cause instanceof ToolErrorResult isError ? Mono.just(isError.result()) : Mono.error(cause);
                })
                .doOnCancel(() -> settled(settles));
    }

    // ---------------------------------------------------------------- shared

    private ToolCall toolCall(CallToolRequest request, Origin origin) {
        ToolCall call = ToolCall.of(recordedName(request.name()), paramsJson(request.arguments()))
                .id(origin.toolCallId())
                .principal(origin.principal())
                .deferApproval(stallMode == StallMode.PENDING)
                .tag("mcp.method.name", "tools/call");
        return origin.sessionId() == null ? call : call.tag("mcp.session.id", origin.sessionId());
    }

    /**
     * The sequence number of the deferred call this request repeats (PENDING mode only; the guard says which, by tool,
     * principal and arguments as JSON values), or null. Also one not remembered here: taken back after a restart and
     * answered before this adapter was built (its deadline passed while the application was down), or forgotten past
     * {@link PendingCalls#MAX}. The repeat asks for the same arguments, so its own request resumes it, as in the
     * LangChain4j and Spring AI adapters (this adapter judged it as a new call, which waited for approval again).
     */
    private Long repeatOf(ToolCall call) {
        if (stallMode != StallMode.PENDING) {
            return null;
        }
        OptionalLong seq = guard.pendingApprovals().repeatOf(call);
        return seq.isPresent() ? seq.getAsLong() : null;
    }

    /**
     * The answer to a repeat of an approved call that runs for another request now (PENDING mode), or null: judged
     * as a new call it would wait for a second approval of the same operation (an outside trial's racing repeats).
     */
    private CallToolResult runningElsewhere(ToolCall call) {
        if (stallMode != StallMode.PENDING) {
            return null;
        }
        OptionalLong seq = guard.pendingApprovals().runningAs(call);
        return seq.isPresent() ? Refusals.running(seq.getAsLong(), call.tool()) : null;
    }

    /** Turns how the guard ended the call into the MCP result the caller gets. */
    private CallToolResult answer(CallResult<byte[]> r, CallToolRequest request, ToolCall call, Long resumed,
            Outcome out) {
        if (r instanceof CallResult.Pending<byte[]> p) {
            if (resumed == null) {
                pending.remember(p.callSequence(), request);
                // Another thread may have deferred the same call at the same time: the guard tells both of the same
                // one (the first it held), and the other is refused as a duplicate.
                long first = guard.pendingApprovals().repeatOf(call).orElse(p.callSequence());
                if (first != p.callSequence() && pending.request(first) != null) {
                    CallResult<byte[]> merged = guard.mergeDuplicate(p, first, "vouch.mcp");
                    if (merged != p) {
                        pending.forget(p.callSequence());
                    }
                    return merged instanceof CallResult.Refused<byte[]> refused ? Refusals.of(refused)
                            : Refusals.of((CallResult.Pending<byte[]>) merged);
                }
            } else {
                pending.rememberIfAbsent(resumed, request); // a repeat found a call not remembered here: now it is
            }
            return Refusals.of(p);
        }
        settled(resumed);
        if (r instanceof CallResult.Refused<byte[]> refused) {
            return Refusals.of(refused);
        }
        return out.result;
    }

    /** A resumed call ended (ran, failed, was refused): a repeat of it is a new call from now on. */
    private void settled(Long resumed) {
        if (resumed != null) {
            pending.forget(resumed);
        }
    }

    /** The call's parameters as the guard judges and records them: the arguments as JSON, an object. */
    private byte[] paramsJson(Map<String, Object> arguments) {
        try {
            return mapper.writeValueAsBytes(arguments == null ? Map.of() : arguments);
        } catch (IOException e) {
            // Arguments came from JSON; one that cannot be written back is judged as no readable object (the
            // policy blocks a call whose conditions cannot read it).
            return ("{\"$vouch_unwritable\":" + quote(e.getClass().getName()) + "}").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The result's JSON as the SDK's mapper writes it; never fails (an unwritable result is described instead). */
    private byte[] resultJson(CallToolResult result) {
        try {
            return mapper.writeValueAsBytes(result);
        } catch (IOException | RuntimeException e) {
            return ("{\"$vouch_unencodable\":\"" + CallToolResult.class.getName() + "\",\"error\":"
                    + quote(e.toString()) + "}").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static Throwable unwrap(CompletableFuture<?> failed) {
        try {
            failed.join();
            return null;
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return unwrap(e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Holds the tool's result while the guard records its JSON: the guard stores what the action returns, and
     * the caller needs the result object itself.
     */
    private final class Outcome {
        private CallToolResult result;

        byte[] accept(CallToolResult r) {
            Objects.requireNonNull(r, "the tool returned no CallToolResult");
            byte[] json = resultJson(r);
            if (Boolean.TRUE.equals(r.isError())) {
                throw new ToolErrorResult(r, new String(json, StandardCharsets.UTF_8));
            }
            result = r;
            return json;
        }
    }
}
