package dev.vouch.mcp;

import dev.vouch.guard.ToolFailure;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

/**
 * Carries a tool's {@code isError: true} result through the guard, so that the guard records the call as
 * TOOL_ERROR (its result, whole, as JSON: {@link ToolFailure}) while the caller still gets the result itself: MCP reports tool
 * failures in the result, not as a protocol error, and the model must see them. Never leaves this package.
 */
final class ToolErrorResult extends RuntimeException implements ToolFailure {
    private static final long serialVersionUID = 1L;

    private final transient CallToolResult result;

    ToolErrorResult(CallToolResult result, String json) {
        // The message is what TOOL_ERROR records: the whole result, as the SDK's mapper writes it.
        super(json, null, false, false);
        this.result = result;
    }

    CallToolResult result() {
        return result;
    }

    /** The result as the SDK's mapper writes it: the guard records it whole, as JSON. */
    @Override
    public byte[] resultJson() {
        return getMessage().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
