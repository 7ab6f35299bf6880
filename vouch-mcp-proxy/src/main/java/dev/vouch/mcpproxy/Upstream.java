package dev.vouch.mcpproxy;

import java.io.IOException;

/**
 * The MCP server's side of one proxy session: a child process spoken to over stdio ({@link StdioUpstream}) or a
 * Streamable HTTP endpoint ({@link HttpUpstream}). It moves whole JSON-RPC messages, exact bytes, and knows nothing
 * of the guard.
 */
interface Upstream {

    /** Where the server's messages and the upstream's fate go: the {@link Relay}. */
    interface Listener {
        /** One message (or batch) from the server, its exact bytes without a line end. */
        void onServerMessage(byte[] message);

        /**
         * A message may have been delivered, but its request will get no answer ({@code message.route()} is failed):
         * the server may have acted on it.
         */
        void onSendFailed(Outgoing message, String why);

        /**
         * A message was not sent at all (the upstream's input is closed, or the session has ended): the server never
         * got it ({@code message.route()} is failed as such).
         */
        void onNotSent(Outgoing message, String why);

        /**
         * The server answered the request with this id key, but over {@code maxMessageBytes}: the answer was dropped.
         * {@code route} is the request's if the upstream knows it (an HTTP exchange), or null: whichever request with
         * this id is in flight.
         */
        void onAnswerDropped(String idKey, Route route, String why);

        /** The server is gone for good (exited, or the session ended); no more messages will come. */
        void onUpstreamClosed(int exitStatus, String why);
    }

    /**
     * One message to the server.
     *
     * @param method the method for a request or notification (the HTTP upstream watches {@code initialize}), else null
     * @param idKey  the request's id key, or null
     * @param route  the request's route, to fail if it gets no answer; null for notifications and responses
     */
    record Outgoing(byte[] bytes, String method, String idKey, Route route) {
    }

    /** Starts the server (or prepares the connection) and begins delivering its messages to {@code listener}. */
    void start(Listener listener) throws IOException;

    /**
     * Sends one message; never blocks for an answer. A failure is reported to {@link Listener#onNotSent} (on this
     * thread) or {@link Listener#onSendFailed}.
     */
    void send(Outgoing message);

    /**
     * The client has gone (its input ended): let the server end as MCP says (stdio: close its input, wait, then
     * terminate it; HTTP: end the session), then report {@link Listener#onUpstreamClosed}.
     */
    void clientClosed();

    /** Stops at once: the server process is killed, HTTP streams are closed. */
    void close();

    /** The MCP session id (Streamable HTTP), or null. */
    String sessionId();
}
