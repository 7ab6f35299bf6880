package dev.vouch.mcpproxy;

import dev.vouch.guard.ToolFailure;

/**
 * Carries the server's tool error, a result with {@code isError: true}, through the guard: the call is recorded as
 * TOOL_ERROR with that result, whole, as JSON ({@link ToolFailure}: {@code {"exception":
 * "dev.vouch.mcpproxy.ToolErrorResult", "result": {...}}}), while the client gets the server's answer unchanged (MCP
 * reports tool failures in the result, and the model must see them). Never leaves this package.
 */
final class ToolErrorResult extends RuntimeException implements ToolFailure {
    private static final long serialVersionUID = 1L;

    private final byte[] result;

    ToolErrorResult(byte[] result) {
        super("the tool returned an error result (isError: true)", null, false, false);
        this.result = result;
    }

    @Override
    public byte[] resultJson() {
        return result;
    }
}
