package dev.vouch.server;

/**
 * An allowed call whose client never reported: the report deadline passed, or the gateway stopped. Recorded as the
 * call's TOOL_ERROR ({@code {"exception": "dev.vouch.server.ResultNotReportedException", "message": ...}}), so the
 * journal never leaves an allowed call without an end.
 */
final class ResultNotReportedException extends Exception {
    private static final long serialVersionUID = 1L;

    ResultNotReportedException(String message) {
        super(message, null, true, false);
    }
}
