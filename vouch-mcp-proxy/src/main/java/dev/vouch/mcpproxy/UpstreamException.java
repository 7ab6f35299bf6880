package dev.vouch.mcpproxy;

/**
 * A forwarded call got no usable answer from the server: it exited, the upstream failed, its answer was too large to
 * relay, or the client cancelled the call. Recorded as the call's TOOL_ERROR with this message (the server's own
 * errors are {@link ToolErrorResult}s). Never leaves this package.
 */
final class UpstreamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean cancelled;
    private final int code;

    private UpstreamException(String message, boolean cancelled, int code) {
        super(message, null, false, false);
        this.cancelled = cancelled;
        this.code = code;
    }

    /** The server cannot answer: it exited, or the HTTP upstream failed. */
    static UpstreamException gone(String why) {
        return new UpstreamException(why, false, Replies.SERVER_UNAVAILABLE);
    }

    /** The server answered, but over {@code maxMessageBytes}: the answer was dropped. */
    static UpstreamException dropped(String why) {
        return new UpstreamException(why, false, Replies.INTERNAL_ERROR);
    }

    /** The client cancelled the call ({@code notifications/cancelled}). */
    static UpstreamException cancelled(String why) {
        return new UpstreamException(why, true, 0);
    }

    boolean cancelled() {
        return cancelled;
    }

    /** The JSON-RPC error code the client gets (not for a cancelled call: it gets no answer). */
    int code() {
        return code;
    }
}
