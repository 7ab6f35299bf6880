package dev.vouch.spring.ai;

import java.security.Principal;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;

/**
 * Who a tool call is made for, as far as Spring knows: the {@link VouchToolContext#PRINCIPAL} tool-context entry the
 * application set on the chat call, else the authenticated Spring Security user of the calling thread (a blocking
 * chat call runs its tools on the caller's thread), else nobody (the guard then records {@code vouch.principal}).
 */
final class Principals {
    private static final boolean SECURITY = ClassUtils.isPresent(
            "org.springframework.security.core.context.SecurityContextHolder", Principals.class.getClassLoader());

    private Principals() {
    }

    static String of(ToolContext context) {
        if (context != null) {
            Object p = context.getContext().get(VouchToolContext.PRINCIPAL);
            if (p instanceof CharSequence text && !text.toString().isBlank()) {
                return text.toString();
            }
            if (p instanceof Principal principal) {
                return principal.getName();
            }
        }
        return SECURITY ? SpringSecurity.currentUser() : null;
    }

    /** Loaded only when Spring Security is on the class path. */
    private static final class SpringSecurity {
        static String currentUser() {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
                return null;
            }
            return auth.getName();
        }
    }
}
