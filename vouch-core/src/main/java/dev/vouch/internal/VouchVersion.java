package dev.vouch.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library's version, as written into every journal's genesis and resume records. */
public final class VouchVersion {
    /** For example {@code vouch-java/0.1.0}. */
    public static final String LIBRARY = "vouch-java/" + read();

    private VouchVersion() {
    }

    private static String read() {
        try (InputStream in = VouchVersion.class.getResourceAsStream("vouch-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
