/**
 * The MCP proxy, {@code vouch mcp-proxy}: {@link dev.vouch.mcpproxy.McpProxy} (the Java API: a builder around a
 * {@code Guard}, sessions started on a pair of streams), {@link dev.vouch.mcpproxy.StallMode}, and
 * {@link dev.vouch.mcpproxy.McpProxyMain} (the command line). Everything else is package-private.
 *
 * <p>What the proxy promises: every {@code tools/call} is recorded write-ahead and judged before the server sees it;
 * everything else is relayed byte for byte, in order per direction, ids preserved; each response reaches the request
 * that asked, however many are in flight; unreadable input gets a JSON-RPC error and never ends the session; a server
 * that dies answers every request in flight with an error and every forwarded tool call with a TOOL_ERROR record;
 * redaction changes only what is stored.
 */
package dev.vouch.mcpproxy;
