package dev.vouch.server;

import dev.vouch.KeyFileException;
import dev.vouch.crypto.NoteKeys;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.guard.Approval;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.Context;
import dev.vouch.guard.ToolCall;
import dev.vouch.ledger.Ledger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP API (docs/GATEWAY.md): authenticates the bearer token, checks its role, parses the body and
 * hands the request to the guard through {@link Calls}, {@link Tasks}, the guards' pending approvals, the
 * {@link PolicyHolder} or the ledger. Every answer is one JSON body; an unexpected failure is logged and answered
 * 500 with no detail, never a stack trace.
 */
final class GatewayHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);
    private static final int MAX_NAME_BYTES = 1024;
    private static final List<String> SUBMIT = List.of("agent", "tool", "params", "call_id", "task", "parent",
            "principal", "trace_id", "span_id", "wait_ms");
    private static final List<String> REPORT = List.of("agent", "result", "error");
    private static final List<String> TASK_START = List.of("agent", "task", "parent_task", "parent");
    private static final List<String> TASK_END = List.of("agent", "task", "state", "error");
    private static final List<String> TASK_STATES = List.of("completed", "failed", "cancelled");
    private static final List<String> DECIDE = List.of("decision", "reason");
    /** Long polls one call may hold; more answer at once (the client polls again). */
    private static final int MAX_POLLS_PER_CALL = 64;

    private final AccessTokens tokens;
    private final Map<String, AgentGuard> agents;
    private final Calls calls;
    private final PolicyHolder policy;
    private final Ledger ledger;
    private final AuthRefusals refusals;
    private final GatewayMeters meters;
    private final int maxBody;
    private final long maxWaitMillis;
    private final ReadDeadlines deadlines;
    private final ScheduledExecutorService timer;

    GatewayHandler(AccessTokens tokens, Map<String, AgentGuard> agents, Calls calls, PolicyHolder policy,
            Ledger ledger, AuthRefusals refusals, GatewayMeters meters, int maxBody, long maxWaitMillis,
            ScheduledExecutorService timer, ReadDeadlines deadlines) {
        this.timer = timer;
        this.deadlines = deadlines;
        this.tokens = tokens;
        this.agents = agents;
        this.calls = calls;
        this.policy = policy;
        this.ledger = ledger;
        this.refusals = refusals;
        this.meters = meters;
        this.maxBody = maxBody;
        this.maxWaitMillis = maxWaitMillis;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        org.eclipse.jetty.io.Connection connection = request.getConnectionMetaData().getConnection();
        Callback answered = deadlines.answering(connection, callback);
        Exchange ex = new Exchange(request, response, answered, meters);
        if (request.getHeaders().contains(HttpHeader.EXPECT, "100-continue") && !authenticatedBeforeTheBody(ex)) {
            return true;
        }
        ex.readBody(maxBody, () -> {
            deadlines.read(connection);
            process(ex);
        });
        return true;
    }

    private void process(Exchange ex) {
        try {
            dispatch(ex);
        } catch (HttpError e) {
            ex.error(e);
        } catch (dev.vouch.LedgerClosedException | dev.vouch.LedgerFullException e) {
            ex.error(calls.journalFailure(e)); // a task opened or ended on a failed ledger
        } catch (OutOfMemoryError e) {
            if (!OutOfHeap.exiting(e)) {
                unexpected(ex, e);
            }
        } catch (RuntimeException | Error e) {
            unexpected(ex, e);
        }
    }

    private static void unexpected(Exchange ex, Throwable e) {
        LOG.error("Unexpected failure on {} {}", ex.method(), Texts.clip(ex.path()), e);
        ex.error(new HttpError(500, "internal", "internal error; the gateway's log has the details"));
    }

    /**
     * Jetty sends {@code 100 Continue} when the body is first read: an outside trial's {@code Expect: 100-continue}
     * with no token got it before the 401, and uploaded 1 MiB for nothing. Such a request is authenticated before its
     * body is read (RFC 9110 lets the final answer come instead of 100); false once refused.
     */
    private boolean authenticatedBeforeTheBody(Exchange ex) {
        String route = route(ex.path().split("/", -1));
        ex.route = route == null ? "unknown" : route;
        try {
            authenticate(ex);
            return true;
        } catch (HttpError e) {
            ex.error(e);
            return false;
        }
    }

    private void dispatch(Exchange ex) {
        String[] p = ex.path().split("/", -1); // "", "v1", ...
        String route = route(p);
        ex.route = route == null ? "unknown" : route;
        // Every request is authenticated before anything else is told: an outside trial's unauthenticated GET
        // /v1/calls got 405 (Allow: POST) and GET / got 404, answers that told it about the API and were neither
        // counted nor recorded as refusals.
        AccessTokens.Identity who = authenticate(ex);
        if (route == null) {
            throw HttpError.notFound("not_found", p.length < 3 || !p[0].isEmpty() || !p[1].equals("v1")
                    ? "no such endpoint; the API is under /v1 (docs/GATEWAY.md)"
                    : "no such endpoint: " + ex.method() + " " + Texts.clip(ex.path()));
        }
        ex.onlyQuery(route.equals("poll") ? List.of("wait_ms") : List.of());
        switch (route) {
            case "submit" -> submit(ex, agent(ex, who, "POST"));
            case "poll" -> poll(ex, agent(ex, who, "GET"), seq(p[3]));
            case "report" -> report(ex, agent(ex, who, "POST"), seq(p[3]));
            case "task_start" -> startTask(ex, agent(ex, who, "POST"));
            case "task_end" -> endTask(ex, agent(ex, who, "POST"));
            case "approvals" -> listApprovals(ex, operator(ex, who, "GET"));
            case "decide" -> decide(ex, operator(ex, who, "POST"), seq(p[3]));
            case "policy_reload" -> {
                operator(ex, who, "POST");
                reload(ex);
            }
            case "rekey" -> {
                operator(ex, who, "POST");
                rekey(ex);
            }
            default -> throw new IllegalStateException("route " + route);
        }
    }

    /** The endpoint {@code p} (the path split at "/") names, or null for none. */
    private static String route(String[] p) {
        if (p.length < 3 || !p[0].isEmpty() || !p[1].equals("v1")) {
            return null;
        }
        if (p[2].equals("calls")) {
            return p.length == 3 ? "submit" : p.length == 4 ? "poll" : p.length == 5 && p[4].equals("result")
                    ? "report" : null;
        }
        if (p[2].equals("tasks")) {
            return p.length == 3 ? "task_start" : p.length == 4 && p[3].equals("end") ? "task_end" : null;
        }
        if (p[2].equals("approvals")) {
            return p.length == 3 ? "approvals" : p.length == 4 ? "decide" : null;
        }
        if (p[2].equals("admin")) {
            return p.length == 5 && p[3].equals("policy") && p[4].equals("reload") ? "policy_reload"
                    : p.length == 4 && p[3].equals("rekey") ? "rekey" : null;
        }
        return null;
    }

    // ---- authentication

    private AccessTokens.Identity authenticate(Exchange ex) {
        if (ex.headerCount(HttpHeader.AUTHORIZATION) > 1) {
            // Which one would count is a matter of which proxy or library reads the request: refuse, never guess.
            throw HttpError.badRequest("more than one Authorization header; send exactly one");
        }
        String auth = ex.header(HttpHeader.AUTHORIZATION);
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
        AccessTokens.Identity who = tokens.identify(token);
        if (who == null) {
            throw refuse(ex, new HttpError(401, "unauthenticated", auth == null
                    ? "no token: send 'Authorization: Bearer <token>'"
                    : "the token is not valid here"), null);
        }
        return who;
    }

    /** The token's agent, once the method is the endpoint's and the token an agent's. */
    private AgentGuard agent(Exchange ex, AccessTokens.Identity who, String allowed) {
        method(ex, allowed);
        if (who.role() != AccessTokens.Role.AGENT) {
            throw refuse(ex, new HttpError(403, "forbidden", "this endpoint needs an agent's token; " + who.name()
                    + "'s is an operator token"), who);
        }
        return agents.get(who.name());
    }

    /** The operator, once the method is the endpoint's and the token an operator's. */
    private AccessTokens.Identity operator(Exchange ex, AccessTokens.Identity who, String allowed) {
        method(ex, allowed);
        if (who.role() != AccessTokens.Role.OPERATOR) {
            throw refuse(ex, new HttpError(403, "forbidden", "approving, reloading the policy and rotating the key"
                    + " need an operator token; this is agent " + who.name() + "'s token"), who);
        }
        return who;
    }

    /** A body's "agent", if given, must be the token's agent. */
    private void sameAgent(Exchange ex, JsonIn in, AgentGuard a) {
        String claimed = in.string("agent");
        if (claimed != null && !claimed.equals(a.name)) {
            throw refuse(ex, new HttpError(403, "agent_mismatch", "the token is agent " + a.name + "'s; it cannot act"
                    + " as \"" + Texts.clip(claimed) + "\""), new AccessTokens.Identity(AccessTokens.Role.AGENT, a.name));
        }
    }

    private HttpError refuse(Exchange ex, HttpError e, AccessTokens.Identity who) {
        refusals.record(e, ex.method(), ex.path(), ex.remote(), who == null ? null : who.name());
        // The body was read before anything was judged: answering before the client has sent it makes the server
        // close the connection under a client still writing, which then sees a reset instead of the 401/403.
        ex.discardBody(maxBody);
        return e;
    }

    private static void method(Exchange ex, String allowed) {
        if (!ex.method().equals(allowed)) {
            ex.allow(allowed);
            throw new HttpError(405, "method_not_allowed", ex.method() + " is not allowed here; use " + allowed);
        }
    }

    private static long seq(String s) {
        // One spelling per call: "+4" and "0004" named call 4 (a red team's find; harmless, but not a contract).
        boolean canonical = !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')
                && (s.length() == 1 || s.charAt(0) != '0');
        try {
            long n = canonical ? Long.parseLong(s) : -1;
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw HttpError.badRequest("\"" + Texts.clip(s) + "\" is not a call sequence number");
    }

    // ---- calls

    private void submit(Exchange ex, AgentGuard a) {
        JsonIn in = JsonIn.parse(ex.body(maxBody), SUBMIT);
        sameAgent(ex, in, a);
        String tool = JsonIn.limited("tool", in.requiredString("tool"), MAX_NAME_BYTES);
        byte[] params = in.rawObject("params");
        String callId = JsonIn.limited("call_id", in.string("call_id"), MAX_NAME_BYTES);
        String task = JsonIn.limited("task", in.string("task"), MAX_NAME_BYTES);
        Long parent = in.integer("parent", 0, Long.MAX_VALUE);
        String principal = JsonIn.limited("principal", in.string("principal"), MAX_NAME_BYTES);
        long waitMs = waitMillis(in.integer("wait_ms", 0, Long.MAX_VALUE));
        String traceId = in.string("trace_id");
        String spanId = in.string("span_id");
        if (traceId == null && spanId == null) {
            String header = ex.header("traceparent");
            String[] tp = traceparent(header);
            if (tp != null) {
                traceId = tp[0];
                spanId = tp[1];
            } else if (header != null) {
                // W3C Trace Context: a receiver ignores a traceparent it cannot parse. Ignored, but counted.
                meters.ignoredTraceparent();
            }
        } else {
            try {
                ToolCall.of(tool, (byte[]) null).trace(traceId, spanId);
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest(e.getMessage());
            }
        }
        if (task != null && parent != null) {
            throw HttpError.badRequest("give \"task\" (an open task) or \"parent\" (a running call), not both: a call"
                    + " made inside a running call belongs to that call's task");
        }
        Context where = parent != null ? running(a, parent).context() : task != null ? Tasks.get(a, task).inside : null;
        Call c = calls.submit(a, new Submission(tool, params, callId, task, parent, principal, traceId, spanId), where);
        answer(ex, c, waitMs);
    }

    private void poll(Exchange ex, AgentGuard a, long seq) {
        Call c = known(a, seq);
        String w = ex.query("wait_ms");
        long waitMs = 0;
        if (w != null) {
            try {
                waitMs = waitMillis(Long.parseLong(w));
            } catch (NumberFormatException e) {
                throw HttpError.badRequest(!w.isEmpty() && w.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                        ? "wait_ms must be from 0 to " + Long.MAX_VALUE + " milliseconds, was " + Texts.clip(w)
                        : "wait_ms must be a whole number of milliseconds");
            }
        }
        answer(ex, c, waitMs);
    }

    private long waitMillis(Long asked) {
        if (asked == null) {
            return 0;
        }
        if (asked < 0) {
            throw HttpError.badRequest("wait_ms must not be negative");
        }
        return Math.min(asked, maxWaitMillis);
    }

    /** Answers with the call, at once or, while it is pending, once it is decided or {@code waitMs} passed. */
    private void answer(Exchange ex, Call c, long waitMs) {
        if (waitMs > 0) {
            AtomicBoolean once = new AtomicBoolean();
            AtomicReference<ScheduledFuture<?>> timeout = new AtomicReference<>();
            Runnable[] wake = new Runnable[1];
            wake[0] = () -> {
                if (once.compareAndSet(false, true)) {
                    ScheduledFuture<?> t = timeout.getAndSet(null);
                    if (t != null) {
                        t.cancel(false);
                    }
                    c.cancelWait(wake[0]);
                    ex.respond(c.httpStatus(), view(c));
                }
            };
            if (c.await(wake[0], MAX_POLLS_PER_CALL)) {
                timeout.set(timer.schedule(wake[0], waitMs, TimeUnit.MILLISECONDS));
                if (once.get()) {
                    timeout.getAndSet(null).cancel(false); // woken before the timer was set
                }
                return;
            }
        }
        ex.respond(c.httpStatus(), view(c));
    }

    private static byte[] view(Call c) {
        JsonOut o = new JsonOut();
        c.writeTo(o);
        return o.toBytes();
    }

    private Call known(AgentGuard a, long seq) {
        Call c = calls.get(seq);
        if (c == null || c.agent != a) {
            throw HttpError.notFound("unknown_call", "agent " + a.name + " has no call " + seq + " the gateway knows:"
                    + " it was never submitted by this agent, or it ended longer ago than the gateway remembers, or"
                    + " before the gateway restarted (the journal has it)");
        }
        return c;
    }

    private Call running(AgentGuard a, long seq) {
        Call c = known(a, seq);
        if (c.context() == null) {
            throw HttpError.conflict("parent_not_running", "call " + seq + " is " + c.status().label() + ", not running:"
                    + " only a call that is allowed and not yet reported can be a parent");
        }
        return c;
    }

    private void report(Exchange ex, AgentGuard a, long seq) {
        JsonIn in = JsonIn.parse(ex.body(maxBody), REPORT);
        sameAgent(ex, in, a);
        // A client that serialises both fields of its report writes the unset one as null (an outside trial's
        // {"result":"fine","error":null} was refused): "error": null is absent, and "result": null, the tool's null
        // result on its own, is absent beside an error.
        boolean error = in.given("error");
        if (error ? in.given("result") : !in.has("result")) {
            throw HttpError.badRequest("give exactly one of \"result\" (the tool's output, any JSON value) or"
                    + " \"error\" (what went wrong, any JSON value, e.g. {\"type\": ..., \"message\": ...})");
        }
        Call c = known(a, seq);
        String recorded = calls.report(c, in.raw(error ? "error" : "result"), error);
        ex.respond(200, new JsonOut().field("seq", seq).field("status", Call.Status.COMPLETED.label())
                .field("recorded", recorded).toBytes());
    }

    // ---- tasks

    private void startTask(Exchange ex, AgentGuard a) {
        if (calls.stopping()) {
            // A task opened now could hold no call (each submit gets 503 stopping) and would end cancelled at once;
            // an outside trial's client was told its task was open.
            throw HttpError.unavailable("stopping", "the gateway is stopping; open the task again once it is back");
        }
        JsonIn in = JsonIn.parse(ex.body(maxBody), TASK_START);
        sameAgent(ex, in, a);
        String name = JsonIn.limited("task", in.requiredString("task"), MAX_NAME_BYTES);
        String parentTask = in.string("parent_task");
        Long parent = in.integer("parent", 0, Long.MAX_VALUE);
        if (parentTask != null && parent != null) {
            throw HttpError.badRequest("give \"parent_task\" or \"parent\" (a running call), not both");
        }
        Tasks.OpenTask t = Tasks.start(a, name, parentTask == null ? null : Tasks.get(a, parentTask),
                parent == null ? null : running(a, parent).context());
        JsonOut answer = new JsonOut().field("task", name).field("seq", t.task.startSequence());
        if (t.task.parentSequence() >= 0) { // a top-level task hangs under nothing: no member, not -1
            answer.field("parent", t.task.parentSequence());
        }
        ex.respond(201, answer.toBytes());
    }

    private void endTask(Exchange ex, AgentGuard a) {
        JsonIn in = JsonIn.parse(ex.body(maxBody), TASK_END);
        sameAgent(ex, in, a);
        String name = in.requiredString("task");
        String given = in.string("state");
        String state = given == null ? "completed" : given.toLowerCase(Locale.ROOT);
        if (!TASK_STATES.contains(state)) {
            // Checked before the task is looked up: a bad body is 400 whether or not the task exists.
            throw HttpError.badRequest("\"state\" must be completed, failed or cancelled, not \"" + Texts.clip(given)
                    + "\"");
        }
        String message = JsonIn.limited("error", in.string("error"), 4096);
        Tasks.OpenTask t = Tasks.end(a, name, state, message);
        ex.respond(200, new JsonOut().field("task", name).field("seq", t.task.startSequence())
                .field("state", state).toBytes());
    }

    // ---- approvals

    private void listApprovals(Exchange ex, AccessTokens.Identity who) {
        ex.respondStreaming(200, out -> writeApprovals(new JsonOut(out)));
    }

    private void writeApprovals(JsonOut o) {
        o.array("approvals");
        for (AgentGuard a : agents.values()) {
            for (ApprovalRequest r : a.guard.pendingApprovals().list()) {
                // A call in no task has no "task" member, as other optional members are left out (it was "").
                o.element().field("seq", r.callSequence()).field("agent", r.agent())
                        .field("task", r.task().isEmpty() ? null : r.task()).field("tool", r.tool());
                Call c = calls.get(r.callSequence());
                o.field("call_id", c == null ? null : c.callId());
                if (isJson(r.storedParams())) {
                    o.rawField("params", r.storedParams().isEmpty() ? null : r.storedParams());
                } else {
                    o.field("params_text", r.storedParams());
                }
                o.field("policy", r.policyId()).field("risk", r.risk().name().toLowerCase(Locale.ROOT))
                        .field("reason", r.reason()).field("requested_at", r.requestedAt())
                        .field("deadline", r.deadline()).end();
            }
        }
        o.finish();
    }

    private static boolean isJson(String s) {
        if (s.isEmpty()) {
            return true;
        }
        try (var p = JsonOut.FACTORY.createParser(s)) {
            p.nextToken();
            p.skipChildren();
            return p.nextToken() == null;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void decide(Exchange ex, AccessTokens.Identity who, long seq) {
        JsonIn in = JsonIn.parse(ex.body(maxBody), DECIDE);
        String d = in.requiredString("decision").toLowerCase(Locale.ROOT);
        boolean approve;
        switch (d) {
            case "approve", "approved" -> approve = true;
            case "refuse", "refused", "reject", "rejected" -> approve = false;
            default -> throw HttpError.badRequest("\"decision\" must be approve or refuse (reject), not \""
                    + Texts.clip(d) + "\"");
        }
        String reason = JsonIn.limited("reason", in.string("reason"), 4096);
        if (calls.stopping()) {
            // An outside trial approved a call during the drain: recorded, then ended ~10 s later as "the gateway
            // stopped", since no client could run it. Left pending, it is taken back at the next start.
            throw HttpError.unavailable("stopping", "the gateway is stopping; call " + seq + " stays pending and is"
                    + " taken back when the gateway starts again: decide it then");
        }
        for (AgentGuard a : agents.values()) {
            if (a.guard.pendingApprovals().get(seq).isPresent()) {
                Approval answer = approve ? Approval.granted(who.name(), reason) : Approval.refused(who.name(), reason);
                if (!a.guard.pendingApprovals().answer(seq, answer)) {
                    throw HttpError.conflict("already_decided", "call " + seq + " was answered by someone else, or"
                            + " reached its deadline, first; GET /v1/approvals lists what still waits");
                }
                Call c = calls.get(seq);
                JsonOut o = new JsonOut().field("answer", approve ? "approved" : "refused").field("approver", who.name());
                if (c != null) {
                    calls.settle(c, 0);
                    o.object("call");
                    c.writeTo(o);
                    o.end();
                }
                ex.respond(200, o.toBytes());
                return;
            }
        }
        Call known = calls.get(seq);
        if (known != null && !known.stalled()) {
            // An outside trial's answer to an allowed call was told 409 already_decided, "no longer waits for
            // approval": it never waited, and there is no approval of it to decide.
            throw HttpError.notFound("not_pending", "call " + seq + " never waited for approval: the policy "
                    + (known.status() == Call.Status.BLOCKED ? "blocked" : "allowed") + " it (it is "
                    + known.status().label() + ")");
        }
        if (known != null) {
            // Still PENDING here means answered a moment ago and being moved on: a second answer at once is as late
            // as one after that (an outside trial's concurrent operators got 404 for it).
            throw HttpError.conflict("already_decided", "call " + seq + " no longer waits for approval: "
                    + (known.status() == Call.Status.PENDING ? "it was answered (or reached its deadline) just now"
                            : "it is " + known.status().label()));
        }
        throw HttpError.notFound("not_pending", "no call " + seq + " waits for approval: unknown, already decided,"
                + " or past its deadline");
    }

    // ---- admin

    /** An admin action's body: none, or {@code {}}; anything in it would be silently ignored, so it is refused. */
    private void emptyBody(Exchange ex) {
        byte[] body = ex.body(maxBody);
        if (body.length > 0) {
            JsonIn.parse(body, List.of());
        }
    }

    private void reload(Exchange ex) {
        emptyBody(ex);
        PolicyHolder.Reloaded r = policy.reload();
        ex.respond(200, new JsonOut().field("sha256", r.policy().sha256Hex()).field("source", r.policy().source())
                .field("rules", r.policy().ruleIds().size()).field("changed", r.changed()).toBytes());
    }

    private void rekey(Exchange ex) {
        emptyBody(ex);
        VerifyingKey old = ledger.verifyingKey();
        VerifyingKey next;
        try {
            next = ledger.rotateKey();
        } catch (KeyFileException e) {
            throw HttpError.conflict("key_not_rotatable", e.getMessage());
        }
        LOG.info("Signing key of {} rotated by an operator: {} -> {}", ledger.journalDirectory(), old, next);
        ex.respond(200, new JsonOut().field("previous", old.toString()).field("key", next.toString())
                .field("fingerprint", next.fingerprint()).field("public_key_pem", next.toPem())
                .field("note_key", NoteKeys.verifierKey(ledger.origin(), next)).toBytes());
    }

    /** A W3C traceparent header's trace and span ids, or null if absent or malformed (then it is ignored). */
    static String[] traceparent(String header) {
        if (header == null) {
            return null;
        }
        String[] f = header.strip().split("-");
        if (f.length < 4 || f[0].length() != 2 || f[0].equals("ff")) {
            return null;
        }
        try {
            ToolCall.of("x", (byte[]) null).trace(f[1], f[2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new String[] {f[1], f[2]};
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
