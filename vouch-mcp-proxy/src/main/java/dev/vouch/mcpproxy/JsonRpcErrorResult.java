package dev.vouch.mcpproxy;

import dev.vouch.guard.ToolFailure;

/**
 * Carries a JSON-RPC error the server answered a {@code tools/call} with (an unknown tool, invalid arguments) through
 * the guard: recorded as TOOL_ERROR with the {@code error} object, whole ({@link ToolFailure}); the client gets the
 * server's answer unchanged. Never leaves this package.
 */
final class JsonRpcErrorResult extends RuntimeException implements ToolFailure {
    private static final long serialVersionUID = 1L;

    private final byte[] error;

    JsonRpcErrorResult(byte[] error) {
        super("the server answered with a JSON-RPC error", null, false, false);
        this.error = error;
    }

    @Override
    public byte[] resultJson() {
        return error;
    }
}
