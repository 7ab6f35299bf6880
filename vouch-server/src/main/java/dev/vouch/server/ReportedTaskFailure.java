package dev.vouch.server;

/** Why a client says a task failed: recorded in the TASK_END ({@code {"exception": ..., "message": ...}}). */
final class ReportedTaskFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ReportedTaskFailure(String message) {
        super(message, null, true, false);
    }
}
