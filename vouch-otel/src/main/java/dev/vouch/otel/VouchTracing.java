package dev.vouch.otel;

import dev.vouch.Decision;
import dev.vouch.Risk;
import dev.vouch.guard.CallObserver;
import dev.vouch.guard.CallResult;
import dev.vouch.guard.GuardBuilder;
import dev.vouch.guard.ToolCall;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Traces every guarded call: give it to {@link GuardBuilder#observer}.
 *
 * <pre>{@code
 * Guard guard = Guard.builder(ledger).agent("refund-bot").policy(policy)
 *         .observer(VouchTracing.create(openTelemetry))
 *         .build();
 * }</pre>
 *
 * <p>Each call gets a span named {@code execute_tool {tool}} (kind INTERNAL, a child of the span current on the
 * caller's thread) with the OpenTelemetry GenAI semantic conventions' attributes {@code gen_ai.operation.name =
 * execute_tool}, {@code gen_ai.tool.name}, {@code gen_ai.tool.call.id} (when the call has an id), the call's
 * {@linkplain ToolCall#tag tags} (an MCP adapter's {@code mcp.method.name}; a tag named like one of the attributes
 * set here, or starting {@code vouch.}, is left off), and Vouch's own: {@code vouch.seq} (the
 * TOOL_CALL record's sequence number), {@code vouch.decision}, {@code vouch.policy.id}, {@code vouch.risk} and
 * {@code vouch.outcome} ({@code result}, {@code error}, {@code blocked}, {@code refused}, {@code timed_out},
 * {@code pending}). A deferred call's resumption is a span of its own with {@code vouch.resumed = true} (a boolean),
 * the call's id and tags, and the same {@code vouch.seq}, whether it runs, is refused or is still pending. The span is
 * current while the tool runs, so the tool's own spans nest under it (work the tool hands to another thread nests
 * if that thread's executor carries OpenTelemetry's context: {@code Context.taskWrapping(executor)}). Its trace and
 * span ids are recorded in the TOOL_CALL record (docs/FORMAT.md, correlation block): a trace UI links to the
 * tamper-evident record by {@code vouch.seq}, and {@code vouch export} links back by {@code trace_id}/{@code span_id}.
 *
 * <p>Nothing from the parameters, the result or an exception's message is put on a span: they may hold values the
 * policy redacts. A failed call sets the span's status to ERROR with {@code error.type} (the exception's class, or
 * the refusal kind) and no message. Calls not sampled still get their ids recorded (they are valid ids).
 */
public final class VouchTracing implements CallObserver {
    /** The instrumentation scope name spans are created under. */
    public static final String INSTRUMENTATION_NAME = "dev.vouch.guard";

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
    static final AttributeKey<Long> SEQ = AttributeKey.longKey("vouch.seq");
    static final AttributeKey<String> DECISION = AttributeKey.stringKey("vouch.decision");
    static final AttributeKey<String> POLICY_ID = AttributeKey.stringKey("vouch.policy.id");
    static final AttributeKey<String> RISK = AttributeKey.stringKey("vouch.risk");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("vouch.outcome");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Boolean> RESUMED = AttributeKey.booleanKey("vouch.resumed");

    private final Tracer tracer;

    private VouchTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Spans from {@code openTelemetry}'s tracer for {@value #INSTRUMENTATION_NAME}. */
    public static VouchTracing create(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        return new VouchTracing(openTelemetry.getTracer(INSTRUMENTATION_NAME));
    }

    /** Spans from this tracer. */
    public static VouchTracing create(Tracer tracer) {
        return new VouchTracing(Objects.requireNonNull(tracer, "tracer"));
    }

    @Override
    public Observation start(ToolCall call) {
        return new ToolSpan(span(call).startSpan());
    }

    @Override
    public Observation resume(ToolCall call) {
        return new ToolSpan(span(call).setAttribute(RESUMED, true).startSpan());
    }

    private SpanBuilder span(ToolCall call) {
        SpanBuilder builder = tracer.spanBuilder("execute_tool " + call.tool()).setSpanKind(SpanKind.INTERNAL);
        for (Map.Entry<String, String> tag : call.tags().entrySet()) {
            if (!isReserved(tag.getKey())) {
                builder.setAttribute(tag.getKey(), tag.getValue());
            }
        }
        builder.setAttribute(OPERATION, "execute_tool").setAttribute(TOOL_NAME, call.tool());
        if (call.id() != null) {
            builder.setAttribute(TOOL_CALL_ID, call.id());
        }
        return builder;
    }

    /**
     * The attributes this class sets itself: a tag of the same name would contradict the record (a tag claiming
     * another tool or call id), so it is left off the span.
     */
    static boolean isReserved(String key) {
        return key.startsWith("vouch.") || key.equals(OPERATION.getKey()) || key.equals(TOOL_NAME.getKey())
                || key.equals(TOOL_CALL_ID.getKey()) || key.equals(ERROR_TYPE.getKey());
    }

    /** One call's span. */
    private static final class ToolSpan implements Observation {
        private final Span span;

        ToolSpan(Span span) {
            this.span = span;
        }

        @Override
        public String traceId() {
            SpanContext c = span.getSpanContext();
            return c.isValid() ? c.getTraceId() : null;
        }

        @Override
        public String spanId() {
            SpanContext c = span.getSpanContext();
            return c.isValid() ? c.getSpanId() : null;
        }

        @Override
        public void judged(long callSequence, Decision decision, String policyId, Risk risk) {
            span.setAttribute(SEQ, callSequence);
            span.setAttribute(DECISION, decision.name().toLowerCase(Locale.ROOT));
            span.setAttribute(POLICY_ID, policyId);
            span.setAttribute(RISK, risk.name().toLowerCase(Locale.ROOT));
        }

        @Override
        public AutoCloseable running() {
            Scope scope = span.makeCurrent();
            return scope::close;
        }

        @Override
        public void ended(CallResult<?> result, Throwable error) {
            if (error != null) {
                fail("error", error.getClass().getName());
            } else if (result instanceof CallResult.Refused<?> refused) {
                fail(refused.outcome(), "vouch." + refused.outcome());
            } else if (result instanceof CallResult.Pending<?>) {
                span.setAttribute(OUTCOME, "pending");
            } else {
                span.setAttribute(OUTCOME, "result");
            }
            span.end();
        }

        private void fail(String outcome, String errorType) {
            span.setAttribute(OUTCOME, outcome);
            span.setAttribute(ERROR_TYPE, errorType);
            span.setStatus(StatusCode.ERROR); // no description: a message may quote redacted parameters
        }
    }
}
