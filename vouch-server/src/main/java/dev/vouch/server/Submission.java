package dev.vouch.server;

/**
 * A tool call as a client submits it ({@code POST /v1/calls}), checked: the tool, its parameters as the exact bytes
 * sent (or null), and what places it in the journal: the client's call id, the task or running call it belongs to,
 * the principal and the W3C trace context.
 */
record Submission(String tool, byte[] params, String callId, String task, Long parent, String principal,
        String traceId, String spanId) {
}
