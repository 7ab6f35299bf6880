package dev.vouch.mcpproxy;

/**
 * Where the answer to one client request goes: straight to the client, or into its slot of a batch reply. The proxy
 * sends each request exactly one answer, or {@link #none()} when the client cancelled it (MCP: a cancelled request
 * gets no response).
 */
interface Reply {
    void send(byte[] message);

    /** No answer will come: the client cancelled the request. */
    void none();
}
