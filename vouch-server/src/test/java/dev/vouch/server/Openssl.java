package dev.vouch.server;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The openssl command, as operators make their TLS files with it; its output goes to {@code openssl.log}. */
final class Openssl {
    private Openssl() {
    }

    /** Whether {@code openssl args...}, run in {@code dir}'s log, succeeded (false if there is no openssl). */
    static boolean run(Path dir, String... args) throws InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.log").toFile()).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
