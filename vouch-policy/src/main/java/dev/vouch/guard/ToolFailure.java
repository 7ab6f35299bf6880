package dev.vouch.guard;

/**
 * An exception that stands for a tool's own error result: a framework that reports tool failures in the result
 * (an MCP {@code CallToolResult} with {@code isError: true}) rather than by throwing. An action that throws one is
 * recorded as TOOL_ERROR with {@code {"exception": class, "result": <the JSON, whole>}} instead of the message (which
 * is cut at 4,096 characters), under the same rules as a message: a digest under {@code metadata_only}, a keyed
 * commitment when the call's parameters were redacted. The adapter decides what the caller then gets.
 */
public interface ToolFailure {
    /** The tool's error result as one JSON document, UTF-8; null to record the message instead. */
    byte[] resultJson();
}
