package dev.vouch.spring.ai;

import java.util.Map;

/**
 * The Spring AI tool-context entries the guard reads. Spring AI hands every tool of a chat call the same
 * {@code ToolContext}; the entries below name who the agent acts for, and are recorded with each call.
 *
 * <pre>{@code
 * chatClient.prompt("Refund order 42").toolContext(VouchToolContext.principal("alice@example.com")).call();
 * }</pre>
 */
public final class VouchToolContext {

    /**
     * The principal (the person or service the agent acts for): a {@code String} or a {@code java.security.Principal}.
     * Without it, the authenticated Spring Security user of the calling thread is recorded (when Spring Security is
     * on the class path), else {@code vouch.principal}.
     */
    public static final String PRINCIPAL = "vouch.principal";

    private VouchToolContext() {
    }

    /** A tool context holding only the principal. */
    public static Map<String, Object> principal(String principal) {
        return Map.of(PRINCIPAL, principal);
    }
}
