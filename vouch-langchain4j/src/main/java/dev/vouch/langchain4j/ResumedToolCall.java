package dev.vouch.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.vouch.guard.CallResult;

/**
 * What became of a held call when the application resumed it ({@link VouchTools#resume(long)}). The model was told
 * the call awaits approval, and that tool-result turn is over: tell it the outcome in a new message, e.g.
 * {@code assistant.chat(memoryId, resumed.userMessage().singleText())}, or however the application continues the
 * conversation.
 *
 * @param request the model's original request
 * @param outcome {@link CallResult.Completed} with the tool's own result (which may be an error result the tool
 *                reported: {@code isError()}), {@link CallResult.Refused} (refused or timed out: it never ran), or
 *                {@link CallResult.Pending} (nobody answered yet: still held)
 */
public record ResumedToolCall(ToolExecutionRequest request, CallResult<ToolExecutionResult> outcome) {

    /** The sequence number of the call's TOOL_CALL record. */
    public long callSequence() {
        return outcome.callSequence();
    }

    /** Whether the tool ran (its outcome is recorded as TOOL_RESULT, or TOOL_ERROR for an error result). */
    public boolean ran() {
        return outcome instanceof CallResult.Completed;
    }

    /** What the model should read: the tool's result text, or why it did not run (yet). */
    public String text() {
        if (outcome instanceof CallResult.Completed<ToolExecutionResult> done) {
            return done.value() == null ? "" : done.value().resultText();
        }
        return outcome.explanation();
    }

    /** A user message telling the model what became of the call it was told awaits approval. */
    public UserMessage userMessage() {
        String call = "Update on the " + request.name() + " call ("
                + (request.id() == null ? "" : "tool-call id " + request.id() + ", ")
                + "call seq " + callSequence() + ") that was awaiting approval: ";
        String state;
        if (outcome instanceof CallResult.Completed<ToolExecutionResult> done) {
            state = done.value() != null && done.value().isError() ? "it was approved and ran, but failed: "
                    : "it was approved and has run. Its result: ";
        } else if (outcome instanceof CallResult.Refused) {
            state = "it will not run. ";
        } else {
            state = "it is still awaiting approval. ";
        }
        return UserMessage.from(call + state + text());
    }
}
