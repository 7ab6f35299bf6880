package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.VouchException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger opened by relative paths in a JVM that cannot name its working directory: in a C locale, a directory named
 * {@code cwd-é} reads as {@code cwd-\ufffd\ufffd}, and the JDK resolves relative paths against that name. An outside
 * trial's ledger created a new private key and journal in a look-alike sibling named {@code cwd-??}, then failed
 * inside Chronicle. It is refused now, naming the locale, before anything is created.
 */
class UnnamedWorkingDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRefuseRelativePathsItCannotResolveAndCreateNothing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")),
                "this JVM cannot make the directory cwd-é itself");
        Path cwd = Files.createDirectories(tmp.resolve("cwd-é"));
        // The directory change is in a script written as UTF-8 bytes: this JVM may itself be in a C locale.
        Path script = tmp.resolve("c-locale.sh");
        Files.write(script, ("cd '" + cwd + "' || exit 9\nunset LC_ALL LC_CTYPE LANGUAGE; LANG=C; export LANG\n"
                + "exec \"$@\"\n").getBytes(StandardCharsets.UTF_8));
        try (ChildJvm child = ChildJvm.start(tmp, List.of("/bin/sh", script.toString()), Child.class, "journal",
                "vouch.key")) {
            child.awaitLine("DONE", 60, TimeUnit.SECONDS);
            assertEquals(0, child.waitFor(), child::stderrText);
            String refused = child.lines().stream().filter(l -> l.startsWith("REFUSED ")).findFirst().orElse("");
            assertTrue(refused.startsWith("REFUSED cannot open the journal journal by a relative path: the working"
                    + " directory's name, read in the locale's character set "), () -> child.lines().toString());
            assertTrue(refused.contains("LANG=C") && refused.contains("LC_ALL=C.UTF-8"), refused);
        }
        try (Stream<Path> in = Files.list(cwd); Stream<Path> beside = Files.list(tmp)) {
            assertEquals(List.of(), in.toList(), "nothing created in the working directory");
            assertEquals(List.of(), beside.filter(p -> p.getFileName().toString().startsWith("cwd-?")).toList(),
                    "no look-alike directory");
        }

        // Absolute paths: opened where the JDK can name the working directory at all (JDK 25), refused in words
        // where it cannot (JDK 17, where Chronicle's start failed with an ExceptionInInitializerError after the key
        // and the journal directory were made, a re-trial found); never half-made.
        Path dir = tmp.resolve("absolute/journal");
        try (ChildJvm child = ChildJvm.start(tmp, List.of("/bin/sh", script.toString()), Child.class, dir.toString(),
                tmp.resolve("absolute/vouch.key").toString())) {
            child.awaitLine("DONE", 60, TimeUnit.SECONDS);
            assertEquals(0, child.waitFor(), child::stderrText);
            List<String> lines = child.lines();
            if (lines.contains("OPENED")) {
                assertTrue(Files.isDirectory(dir), lines::toString);
            } else {
                String refused = lines.stream().filter(l -> l.startsWith("REFUSED ")).findFirst().orElse("");
                assertTrue(refused.startsWith("REFUSED cannot open the journal " + dir + ": the working directory's"
                        + " name"), lines::toString);
                assertTrue(Files.notExists(tmp.resolve("absolute")), "nothing made");
            }
        }
    }

    /** Opens a ledger at the relative paths it is given; prints what happened. */
    public static final class Child {
        public static void main(String[] args) {
            try (Ledger ledger = Ledger.builder(Path.of(args[0])).keyFile(Path.of(args[1]))
                    .origin("test.vouch.dev/cwd").open()) {
                System.out.println("OPENED");
            } catch (VouchException e) {
                System.out.println("REFUSED " + e.getMessage());
            }
            System.out.println("DONE");
        }
    }
}
