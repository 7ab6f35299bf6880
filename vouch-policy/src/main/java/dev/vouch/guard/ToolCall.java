package dev.vouch.guard;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One tool call as a framework hands it to the guard: the tool, its parameters, and what ties the call to the
 * rest of the world (the id the model or MCP client gave it, the person or service the agent acts for, the
 * trace it belongs to). Immutable: each {@code with} method returns a copy.
 *
 * <pre>{@code
 * CallResult<String> r = guard.attempt(
 *         ToolCall.of("fs.move", argsJson).id(request.id()).principal("alice@example.com").deferApproval(true),
 *         () -> fs.move(from, to));
 * }</pre>
 *
 * <p>The id, principal and trace ids are recorded in the TOOL_CALL record (format 1.2 correlation block,
 * docs/FORMAT.md); {@link #tag tags} are not recorded, only shown to the guard's {@link CallObserver} (for
 * example the OpenTelemetry span's {@code mcp.method.name}).
 */
public final class ToolCall {
    private final String tool;
    private final byte[] params;
    private final String id;
    private final String principal;
    private final String traceId;
    private final String spanId;
    private final boolean deferApproval;
    private final Map<String, String> tags;

    private ToolCall(String tool, byte[] params, String id, String principal, String traceId, String spanId,
            boolean deferApproval, Map<String, String> tags) {
        this.tool = tool;
        this.params = params;
        this.id = id;
        this.principal = principal;
        this.traceId = traceId;
        this.spanId = spanId;
        this.deferApproval = deferApproval;
        this.tags = tags;
    }

    /**
     * A call of {@code tool} with UTF-8 JSON parameters; {@code null} means none. The array is not copied: do not
     * change it while the call is in the guard. The tool gets the original parameters; only the journal's copy is
     * redacted.
     */
    public static ToolCall of(String tool, byte[] jsonParams) {
        Objects.requireNonNull(tool, "tool");
        if (tool.isEmpty()) {
            throw new IllegalArgumentException("tool is empty");
        }
        return new ToolCall(tool, jsonParams == null ? GuardRecords.EMPTY : jsonParams, null, null, null, null,
                false, Map.of());
    }

    /** As {@link #of(String, byte[])}, for parameters held as text. */
    public static ToolCall of(String tool, String jsonParams) {
        return of(tool, jsonParams == null ? null : jsonParams.getBytes(StandardCharsets.UTF_8));
    }

    /** The id the model or the MCP client gave the call (an LLM's tool-call id, a JSON-RPC id), or null. */
    public ToolCall id(String toolCallId) {
        return new ToolCall(tool, params, emptyToNull(toolCallId), principal, traceId, spanId, deferApproval, tags);
    }

    /** The person or service the agent acts for, or null. */
    public ToolCall principal(String principal) {
        return new ToolCall(tool, params, id, emptyToNull(principal), traceId, spanId, deferApproval, tags);
    }

    /**
     * The W3C trace context the call belongs to: a 32-hex-digit trace id and a 16-hex-digit span id, lower case as W3C writes them (not all
     * zeros), or both null. A {@link CallObserver} that starts a span supplies its own instead.
     *
     * @throws IllegalArgumentException if either id is malformed or only one is given
     */
    public ToolCall trace(String traceIdHex, String spanIdHex) {
        if ((traceIdHex == null) != (spanIdHex == null)) {
            throw new IllegalArgumentException("a trace context needs both a trace id and a span id");
        }
        if (traceIdHex != null) {
            checkHex("trace id", traceIdHex, 32);
            checkHex("span id", spanIdHex, 16);
        }
        return new ToolCall(tool, params, id, principal, traceIdHex, spanIdHex, deferApproval, tags);
    }

    /**
     * What a stall does: {@code false} (the default) waits on the caller's thread for the approval handler, as
     * {@link Guard#call} does; {@code true} returns at once a {@link CallResult.Pending} with the call's sequence
     * number, and the call runs later through {@link Guard#resume} once someone approved it (the handler, or
     * {@link PendingApprovals#approve}).
     */
    public ToolCall deferApproval(boolean defer) {
        return new ToolCall(tool, params, id, principal, traceId, spanId, defer, tags);
    }

    /** A tag for the guard's {@link CallObserver} only (never recorded), e.g. {@code mcp.method.name}. */
    public ToolCall tag(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Map<String, String> copy = new LinkedHashMap<>(tags);
        copy.put(key, value);
        return new ToolCall(tool, params, id, principal, traceId, spanId, deferApproval,
                Collections.unmodifiableMap(copy));
    }

    public String tool() {
        return tool;
    }

    /** The parameters as given (UTF-8 JSON), not a copy; empty if none. */
    public byte[] params() {
        return params;
    }

    /** The tool-call id, or null. */
    public String id() {
        return id;
    }

    /** The principal, or null. */
    public String principal() {
        return principal;
    }

    /** The trace id (32 lower-case hex digits), or null. */
    public String traceId() {
        return traceId;
    }

    /** The span id (16 hex digits), or null. */
    public String spanId() {
        return spanId;
    }

    /** Whether a stall returns at once as pending. */
    public boolean defersApproval() {
        return deferApproval;
    }

    /** The observer tags, unmodifiable. */
    public Map<String, String> tags() {
        return tags;
    }

    /**
     * Whether {@code other} asks for the same thing: the same tool and principal, and parameters that are the same
     * JSON value (compared in RFC 8785 canonical form with numbers kept exact, so member order, spacing and number
     * spellings such as {@code 1.0} and {@code 1} do not matter, while {@code 12345678901234567890} and
     * {@code 12345678901234567000} are different requests as they are to a server that reads integers exactly;
     * parameters that are not JSON are compared byte for byte). Ids, trace
     * context and tags do not count. What makes a model's repeat of a call that awaits approval the same call
     * ({@link PendingApprovals#repeatOf}).
     */
    public boolean sameRequestAs(ToolCall other) {
        return tool.equals(other.tool) && Objects.equals(principal, other.principal)
                && java.util.Arrays.equals(comparable(params), comparable(other.params));
    }

    /**
     * Parameters in the form {@link #sameRequestAs} compares: RFC 8785 canonical JSON with exact numbers, else the
     * bytes themselves.
     */
    static byte[] comparable(byte[] params) {
        if (params.length == 0) {
            return params;
        }
        try {
            return JsonCanonicalForm.ofExact(params);
        } catch (IllegalArgumentException notJson) {
            return params;
        }
    }

    @Override
    public String toString() {
        return "ToolCall[" + tool + (id == null ? "" : ", id=" + id) + "]";
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static void checkHex(String what, String hex, int digits) {
        boolean zero = true;
        boolean ok = hex.length() == digits;
        for (int i = 0; ok && i < hex.length(); i++) {
            char c = hex.charAt(i);
            ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            zero &= c == '0';
        }
        if (!ok || zero) {
            throw new IllegalArgumentException("a " + what + " must be " + digits + " lower-case hex digits, not all zero (W3C trace context); found \""
                    + (hex.length() > 40 ? hex.substring(0, 40) + "..." : hex) + "\"");
        }
    }
}
