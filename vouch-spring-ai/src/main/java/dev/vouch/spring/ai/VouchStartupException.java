package dev.vouch.spring.ai;

/**
 * The starter could not start Vouch from its {@code vouch.*} properties: the message names the property, its value and
 * what is wrong. Its own type so that {@link VouchFailureAnalyzer} can put it at the top of Spring Boot's "application
 * failed to start" report, instead of the seventh cause in a chain of bean creation failures.
 */
final class VouchStartupException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private static final String FIX_PROPERTY = "Fix the vouch.* property named above, or the file it names"
            + " (docs/INTEGRATIONS.md, \"Spring AI\", lists the properties). Nothing was recorded, and no journal or"
            + " key was created unless the message says so.";

    private final String action;

    VouchStartupException(String message, Throwable cause) {
        this(message, cause, FIX_PROPERTY);
    }

    VouchStartupException(String message, Throwable cause, String action) {
        super(message, cause);
        this.action = action;
    }

    /** What to do about it, for Spring Boot's report. */
    String action() {
        return action;
    }
}
