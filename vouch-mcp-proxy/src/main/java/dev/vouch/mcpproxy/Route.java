package dev.vouch.mcpproxy;

/**
 * A client request in flight to the server, waiting for the server's answer ({@link Routes}): relayed as it is,
 * filtered (tools/list), or a guarded tool call whose answer the guard records first.
 */
interface Route {
    /** The server answered. Called once, on the thread that read the answer, in the order the server sent it. */
    void onResponse(Envelope response);

    /** The server cannot answer (it exited, or the upstream failed): the client must get an error. */
    void onFailure(String why);

    /** The request was never sent to the server (its input was closed, or it had gone): as {@link #onFailure}. */
    default void onNotSent(String why) {
        onFailure(why);
    }

    /**
     * The server answered, but over {@code maxMessageBytes}: its answer was dropped and the client gets an error
     * (-32603) instead. {@code why} says so.
     */
    void onAnswerDropped(String why);

    /**
     * The client cancelled the request ({@code notifications/cancelled}); no answer is sent to it.
     *
     * @return whether to forward the cancellation to the server (false if the server never saw the request)
     */
    boolean onCancelled(String reason);

    /**
     * The client's input ended (it went away): a request not yet forwarded is given up, and answered with an error
     * ({@code why}) in case the client still reads. A forwarded one waits for the server's answer, as it is.
     */
    default void onClientGone(String why) {
    }
}
