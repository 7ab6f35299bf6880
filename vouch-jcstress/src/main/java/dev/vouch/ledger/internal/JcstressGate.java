package dev.vouch.ledger.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs jcstress ({@code org.openjdk.jcstress.Main}, same arguments) and exits 1 if any test failed or erred: jcstress
 * itself returns normally whatever its results, which would let a build pass over a forbidden outcome.
 */
public final class JcstressGate {
    private JcstressGate() {
    }

    public static void main(String[] args) throws Exception {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(new Tee(original, copy), true, StandardCharsets.UTF_8));
        try {
            org.openjdk.jcstress.Main.main(args);
        } finally {
            System.out.flush();
            System.setOut(original);
        }
        String out = copy.toString(StandardCharsets.UTF_8);
        boolean clean = out.contains("Failed tests: No matches.") && out.contains("Error tests: No matches.")
                && !out.contains("[FAILED]") && !out.contains("[ERROR]");
        if (!clean) {
            original.println("jcstress: a test failed or erred (see above and target/jcstress-results/index.html)");
            System.exit(1);
        }
        original.println("jcstress: every test passed");
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
