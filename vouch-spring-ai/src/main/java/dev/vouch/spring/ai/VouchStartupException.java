package dev.vouch.spring.ai;

/**
 * The starter could not start Vouch from its {@code vouch.*} properties: the message names the property, its value and
 * what is wrong. Its own type so that {@link VouchFailureAnalyzer} can put it at the top of Spring Boot's "application
 * failed to start" report, instead of the seventh cause in a chain of bean creation failures.
 */
final class VouchStartupException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    VouchStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
