package dev.vouch.server;

/**
 * A request the gateway answers with an error: the HTTP status, a stable machine-readable code and a message for
 * the person reading it. Becomes the JSON body {@code {"error": {"code": ..., "message": ...}}}; never a stack trace.
 * Messages name what was wrong with the request and never quote secrets (tokens, parameters).
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;

    HttpError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, "bad_request", message);
    }

    static HttpError notFound(String code, String message) {
        return new HttpError(404, code, message);
    }

    static HttpError conflict(String code, String message) {
        return new HttpError(409, code, message);
    }

    static HttpError unavailable(String code, String message) {
        return new HttpError(503, code, message);
    }
}
