package dev.vouch.mcpproxy;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.regex.Pattern;

/**
 * Failures in words for the client and the journal: what went wrong in plain English, never a Java class name (the
 * reader is a model, or a person with no access to the proxy's code). The proxy's log keeps the exception itself.
 */
final class Failures {
    /** A Java class name where a message would be ({@code java.io.IOException: closed}, or a cause's toString). */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?::\\s*)?");

    private Failures() {
    }

    /** An I/O failure (connecting to or reading from the upstream) in plain words. */
    static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return "its host name could not be resolved";
            }
        }
        if (t instanceof HttpConnectTimeoutException) {
            return "the connection timed out";
        }
        if (t instanceof HttpTimeoutException) {
            return "it did not answer in time";
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage() == null ? "" : CLASS_NAME.matcher(c.getMessage()).replaceAll("").strip();
            if (!m.isEmpty()) {
                return m.equals("closed") ? "the connection was closed" : lowerFirst(m);
            }
        }
        return t instanceof ConnectException ? "the connection was refused" : "the connection failed";
    }

    /** "Connection refused" reads "connection refused" after a colon. */
    private static String lowerFirst(String m) {
        return m.length() > 1 && Character.isUpperCase(m.charAt(0)) && Character.isLowerCase(m.charAt(1))
                ? Character.toLowerCase(m.charAt(0)) + m.substring(1) : m;
    }
}
