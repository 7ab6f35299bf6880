package dev.vouch.mcpproxy;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.guard.CallResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The only messages the proxy writes itself: JSON-RPC errors (a message it cannot relay, a server that is gone) and
 * the MCP result of a tool call that did not run. Each answers a request with its id exactly as the client wrote it.
 *
 * <p>A call the guard stopped gets a result with {@code isError: true}, not a JSON-RPC error, so that the model reads
 * why and can recover rather than the client ending its turn; its text is the guard's one-sentence explanation
 * (rule, reason, call sequence number) and {@code _meta} carries the same for programs, as vouch-mcp writes it:
 * {@value #SEQUENCE} and {@value #OUTCOME} ({@code blocked}, {@code refused}, {@code timed_out} or
 * {@code awaiting_approval}).
 */
final class Replies {
    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined (JSON-RPC reserves -32000 to -32099): the MCP server cannot answer. */
    static final int SERVER_UNAVAILABLE = -32000;

    static final String SEQUENCE = "dev.vouch/call_sequence";
    static final String OUTCOME = "dev.vouch/outcome";

    private Replies() {
    }

    /** A JSON-RPC error; {@code id} is the request's id as written, or null when it is unknown. */
    static byte[] error(byte[] id, int code, String message) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("jsonrpc", Envelope.JSONRPC);
            writeId(g, id);
            g.writeObjectFieldStart("error");
            g.writeNumberField("code", code);
            g.writeStringField("message", message);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** The result of a call the guard blocked, or that a person refused or let time out. */
    static byte[] refused(byte[] id, CallResult.Refused<?> refused) {
        return toolNotRun(id, refused.explanation(), refused.callSequence(), refused.outcome());
    }

    /** The result of a call that waits for a person ({@link StallMode#PENDING}). */
    static byte[] pending(byte[] id, CallResult.Pending<?> pending) {
        return toolNotRun(id, dev.vouch.guard.PendingApprovals.awaitingApproval(pending), pending.callSequence(),
                "awaiting_approval");
    }

    /** The result of a repeat not run because the approved call it repeats runs for another request. */
    static byte[] running(byte[] id, long callSequence, String tool) {
        return toolNotRun(id, dev.vouch.guard.PendingApprovals.sameCallRuns(callSequence, tool), callSequence, "running");
    }

    private static byte[] toolNotRun(byte[] id, String text, long callSequence, String outcome) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("jsonrpc", Envelope.JSONRPC);
            writeId(g, id);
            g.writeObjectFieldStart("result");
            g.writeArrayFieldStart("content");
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", text);
            g.writeEndObject();
            g.writeEndArray();
            g.writeBooleanField("isError", true);
            g.writeObjectFieldStart("_meta");
            g.writeNumberField(SEQUENCE, callSequence);
            g.writeStringField(OUTCOME, outcome);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private static void writeId(JsonGenerator g, byte[] id) throws IOException {
        g.writeFieldName("id");
        if (id == null) {
            g.writeNull();
        } else {
            g.writeRawValue(new String(id, StandardCharsets.UTF_8));
        }
    }

    private interface Writing {
        void to(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Writing w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.LENIENT.createGenerator(out)) {
            w.to(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
