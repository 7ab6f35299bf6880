package dev.vouch.spring.ai;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Spring Boot's report of a start that failed over a {@code vouch.*} property: "APPLICATION FAILED TO START", the
 * property and what is wrong with it, and what to do. An outside trial found the useful line as the seventh nested
 * cause, with no summary. Registered in {@code META-INF/spring.factories}.
 */
final class VouchFailureAnalyzer extends AbstractFailureAnalyzer<VouchStartupException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, VouchStartupException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
