package dev.vouch.spring.ai;

import dev.vouch.internal.Suggestions;
import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Spring Boot's report of a start refused over a {@code vouch.*} setting the starter does not have, with the closest
 * one it has. The starter binds {@link VouchProperties} with unknown settings refused: an outside trial's
 * {@code vouch.polcy} was ignored with one WARN, the application ran with no policy, and every tool call was allowed.
 * Settings from the process's environment variables and system properties are not checked (Spring Boot leaves them
 * out), so an unrelated {@code VOUCH_*} variable does not stop an application. Registered in
 * {@code META-INF/spring.factories}, ahead of Spring Boot's own analyzer of unbound properties.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class UnknownSettingAnalyzer extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException> {
    private static final String PREFIX = "vouch.";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
        List<String> known = known();
        Map<String, String> byLetters = new LinkedHashMap<>();
        known.forEach(k -> byLetters.put(letters(k), k));
        List<String> found = new ArrayList<>();
        for (ConfigurationProperty p : cause.getUnboundProperties()) {
            String name = p.getName().toString();
            if (!name.startsWith(PREFIX)) {
                return null; // another binding's: Spring Boot's own analyzer reports it
            }
            String closest = Suggestions.closest(letters(name.substring(PREFIX.length())), byLetters.keySet());
            found.add(name + (p.getOrigin() == null ? "" : " (" + p.getOrigin() + ")")
                    + (closest == null ? "" : ", perhaps " + PREFIX + byLetters.get(closest)));
        }
        return new FailureAnalysis("Vouch: unknown setting" + (found.size() == 1 ? " " : "s: ")
                + String.join("; ", found) + ". The starter refuses a vouch.* setting it does not have: a misspelt vouch.policy would leave every"
                + " tool call allowed.", "Correct the setting's name. The starter's settings: vouch." + String.join(
                ", vouch.", known) + " (docs/INTEGRATIONS.md, \"Spring AI\"). Nothing was recorded, and no journal or"
                + " key was created.", cause);
    }

    /** A setting's name without its separators, as Spring Boot's relaxed binding compares them. */
    private static String letters(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** The starter's settings, as written in a properties file: {@code policy-poll-interval}. */
    static List<String> known() {
        List<String> names = new ArrayList<>();
        try {
            for (PropertyDescriptor d : Introspector.getBeanInfo(VouchProperties.class, Object.class)
                    .getPropertyDescriptors()) {
                if (d.getWriteMethod() != null) {
                    names.add(d.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT));
                }
            }
        } catch (IntrospectionException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
