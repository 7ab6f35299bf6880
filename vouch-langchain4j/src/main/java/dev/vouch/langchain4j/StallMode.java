package dev.vouch.langchain4j;

/** What a call the policy stalls (holds for a person's approval) does to the chat that asked for it. */
public enum StallMode {
    /**
     * The tool call waits, on the thread running it, until the guard's approval handler answers or the policy's
     * {@code approval_timeout} passes; the model then gets the tool's result, or the refusal as an error result. For
     * approvals that come within seconds (a chat bot, a console).
     */
    WAIT,
    /**
     * The tool call returns at once with a result the model reads as "awaiting approval (call seq N)"; the chat goes
     * on, the call is held, and the application runs it later with {@link VouchTools#resume(long)} once someone
     * approved it. For approvals that take minutes or hours.
     */
    PENDING
}
