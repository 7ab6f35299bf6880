package dev.vouch.server;

import java.util.List;

/**
 * Jetty's loggers that write a refused request's bytes as they came, at WARN and before any token is checked:
 * {@code HttpParser} ("Encountered multiple `Host` headers ... appeared as `...`") and {@code HostPort} ("Bad
 * Authority: [...]"). Jetty reads header bytes as Latin-1, so an outside trial's byte 0x85 became a raw NEL (a line
 * break to a Unicode-aware reader) followed by a forged {@code [CRITICAL]} line, 300 a second with no limit. Neither
 * logger says anything else above DEBUG, and the client gets its 400 either way; the refusals are counted instead
 * ({@code vouch_gateway_malformed_requests_total}, {@link JsonErrorHandler}).
 */
final class JettyLogs {
    /** The loggers, by name. */
    static final List<String> QUOTING_REQUEST_BYTES = List.of("org.eclipse.jetty.http.HttpParser",
            "org.eclipse.jetty.util.HostPort");

    private JettyLogs() {
    }

    /**
     * Sets those loggers to ERROR with slf4j-simple (the binding of {@code vouch serve}, the runnable jar and the
     * image), unless a system property already sets them; before Jetty's classes load, which make their loggers.
     * Another binding is configured by its own file (docs/OPERATIONS.md, "Logs").
     */
    static void quietLoggersQuotingRequests() {
        for (String logger : QUOTING_REQUEST_BYTES) {
            String property = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(property) == null) {
                System.setProperty(property, "error");
            }
        }
    }
}
