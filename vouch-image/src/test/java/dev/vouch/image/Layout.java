package dev.vouch.image;

import java.nio.file.Path;

/** The image's file layout (the Jib configuration in the pom), as the tests expect it everywhere. */
final class Layout {
    static final String DATA = "/var/lib/vouch";
    static final String JOURNAL = DATA + "/journal";
    static final String KEY = DATA + "/vouch.key";
    static final String POLICY = "/etc/vouch/policy.yaml";
    static final String TOKENS = "/etc/vouch/tokens";
    static final long USER = 65532;
    /** The job name every scrape configuration gives the gateway, and every alert selects. */
    static final String JOB = "vouch-gateway";

    private Layout() {
    }

    /** The repository's deploy/ directory (tests run in vouch-image/). */
    static Path deploy() {
        return Path.of(System.getProperty("vouch.deploy.dir", "../deploy")).toAbsolutePath().normalize();
    }
}
