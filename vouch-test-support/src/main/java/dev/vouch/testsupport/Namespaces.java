package dev.vouch.testsupport;

import java.util.concurrent.TimeUnit;

/**
 * Whether a test can run a child process in user and mount namespaces of its own ({@code unshare -rm}), where it may
 * mount a small tmpfs to fill up: a real full disk, with no privileges and no mount left behind.
 */
public final class Namespaces {
    private Namespaces() {
    }

    public static boolean work() {
        try {
            Process p = new ProcessBuilder("unshare", "-rm", "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
