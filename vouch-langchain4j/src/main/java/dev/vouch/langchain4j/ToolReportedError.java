package dev.vouch.langchain4j;

import dev.vouch.guard.ToolFailure;

/**
 * Carries a result the tool itself marked as an error ({@code ToolExecutionResult.isError()}: an MCP
 * {@code CallToolResult} with {@code isError}, an executor that reports failure in-band) through the guard, so that
 * the journal records it as TOOL_ERROR, whole ({@link ToolFailure}: {@code {"exception":
 * "dev.vouch.langchain4j.ToolReportedError", "result": <the text the model read, as ResultJson stores it>}}). Never
 * leaves this package: the executor returns the tool's own result.
 */
final class ToolReportedError extends Exception implements ToolFailure {
    private static final long serialVersionUID = 1L;

    ToolReportedError(String resultText) {
        super(resultText, null, false, false); // no stack trace: nothing was thrown by the tool
    }

    @Override
    public byte[] resultJson() {
        return ResultJson.of(getMessage());
    }
}
