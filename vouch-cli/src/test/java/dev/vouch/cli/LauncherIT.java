package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI as a user runs it: {@code vouch-cli/target/vouch}, the launcher script, starting the shaded jar
 * in a child JVM, from another working directory. Runs after {@code package} (Failsafe). Standard output must be
 * exactly the command's result: nothing from Chronicle, SLF4J or the JVM.
 */
class LauncherIT {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static Path launcher;
    static Path jar;
    static Path javaHome;
    static TestJournals.Written journal;

    @BeforeAll
    static void locate() {
        Path build = Path.of(required("vouch.test.builddir"));
        launcher = build.resolve("vouch");
        jar = build.resolve(required("vouch.test.clijar"));
        javaHome = Path.of(required("vouch.test.java")).getParent().getParent();
        assertTrue(Files.isExecutable(launcher), "the launcher is missing or not executable: " + launcher);
        assertTrue(Files.isRegularFile(jar), "the runnable jar is missing: " + jar);
        journal = TestJournals.write(shared, 10);
    }

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    @Test
    void shouldPrintTheVersionFromAnyWorkingDirectory() {
        Run r = run(launcher(), Map.of(), "--version");

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("vouch vouch-java/"), r::toString);
    }

    @Test
    void shouldVerifyWithOnlyTheResultOnStandardOutputAndNoAnalyticsFile() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));

        Run r = run(launcher(), Map.of("HOME", home.toString(), "VOUCH_JAVA_OPTS", "-Duser.home=" + home),
                "verify", journal.dir(), "--pubkey", journal.pub(), "--json");

        assertEquals(0, r.exit(), r::toString);
        Map<String, Object> json = Cli.parseObject(r.out());
        assertEquals("INTACT", json.get("verdict"), r::toString);
        assertEquals("", r.err(), "nothing on standard error either: " + r);
        try (Stream<Path> files = Files.walk(home)) {
            assertEquals(List.of(home), files.filter(f -> f.toString().contains("analytics") || f.equals(home))
                    .collect(Collectors.toList()), "no analytics file in the home directory");
        }
    }

    /**
     * The read commands never load Chronicle Queue, so they cannot lock (Chronicle takes an fcntl lock on its table
     * store), map, create or log anything in the journal directory, whatever state its files are in.
     */
    @Test
    void shouldReadWithoutLoadingChronicleQueue() throws IOException {
        Path classLog = tmp.resolve("classes.log");
        for (String command : List.of("verify", "export", "show", "tasks", "checkpoint")) {
            List<String> args = new ArrayList<>(List.of(command, journal.dir()));
            if (command.equals("verify") || command.equals("checkpoint")) {
                args.addAll(List.of("--pubkey", journal.pub()));
            }
            Run r = run(launcher(), Map.of("VOUCH_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog),
                    args.toArray(new String[0]));
            assertEquals(0, r.exit(), r::toString);
            String loaded = Files.readString(classLog);
            assertTrue(loaded.contains("dev.vouch.ledger.internal.CycleFileReader"), "the log works: " + command);
            assertFalse(loaded.contains("net.openhft.chronicle.queue"), command + " loaded Chronicle Queue");
        }
    }

    @Test
    void shouldMapTamperingAndMissingJournalsToExitCodes() {
        TestJournals.Written w = TestJournals.write(tmp.resolve("tampered"), 3);
        long seq = TestJournals.sequenceOf(w.journal(), "MARK2X");
        TestJournals.flipByteIn(w.journal(), "MARK2X");

        Run tampered = run(launcher(), Map.of(), "verify", w.dir(), "--pubkey", w.pub());
        Run missing = run(launcher(), Map.of(), "verify", tmp.resolve("nope").toString(), "--pubkey", w.pub());

        assertEquals(1, tampered.exit(), tampered::toString);
        assertTrue(tampered.out().startsWith("FAILURE seq " + seq + " chain: "), tampered::toString);
        assertEquals(2, missing.exit(), missing::toString);
        assertEquals("", missing.out());
        assertTrue(missing.err().contains("no such journal directory"), missing::toString);
    }

    @Test
    void shouldRunThroughASymlinkWithJavaFoundOnThePath() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("vouch"), launcher);
        List<String> command = List.of(link.toString(), "export", journal.dir());
        Map<String, String> env = Map.of("PATH", javaHome.resolve("bin") + ":/usr/bin:/bin");

        Run r;
        try {
            r = run(command, env, true);
        } finally {
            Files.delete(link);
        }

        assertEquals(0, r.exit(), r::toString);
        assertEquals(TestJournals.records(journal.journal()).size(), r.out().lines().count());
    }

    @Test
    void shouldRunWithPlainJavaJarThanksToTheManifest() {
        List<String> command = List.of(javaHome.resolve("bin/java").toString(), "-jar", jar.toString(), "verify",
                journal.dir(), "--pubkey", journal.pub(), "--quiet");

        Run r = run(command, Map.of(), false);

        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void shouldCarryTheSameExportsAndOpensAsTheRootPom() throws IOException {
        Set<String> exports = new LinkedHashSet<>();
        Set<String> opens = new LinkedHashSet<>();
        for (String flag : required("vouch.test.jvmflags").trim().split("\\s+")) {
            if (flag.startsWith("--add-exports=")) {
                exports.add(flag.substring("--add-exports=".length()).replace("=ALL-UNNAMED", ""));
            } else if (flag.startsWith("--add-opens=")) {
                opens.add(flag.substring("--add-opens=".length()).replace("=ALL-UNNAMED", ""));
            }
        }
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            Manifest m = jarFile.getManifest();
            assertEquals(exports, Set.of(m.getMainAttributes().getValue("Add-Exports").split(" ")));
            assertEquals(opens, Set.of(m.getMainAttributes().getValue("Add-Opens").split(" ")));
            assertEquals("dev.vouch.cli.VouchCli", m.getMainAttributes().getValue("Main-Class"));
            assertEquals("true", m.getMainAttributes().getValue("Multi-Release"));
            assertTrue(jarFile.stream().noneMatch(e -> e.getName().matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")),
                    "no signature files of the merged jars");
        }
        String script = Files.readString(launcher);
        for (String flag : required("vouch.test.jvmflags").trim().split("\\s+")) {
            assertTrue(script.contains(flag), "the launcher passes " + flag);
        }
        assertTrue(script.contains(required("vouch.test.jvmflags.jdk23")), "the launcher knows the JDK 23+ flags");
        assertFalse(script.contains("@vouch."), "every placeholder was filled in");
    }

    @Test
    void shouldAddTheJdk23FlagsOnANewerJdk() {
        Optional<Path> newer = newerJdk();
        Assumptions.assumeTrue(newer.isPresent(), "no JDK 23 or newer under /usr/lib/jvm");

        Run r = run(launcher(), Map.of("JAVA_HOME", newer.get().toString()),
                "verify", journal.dir(), "--pubkey", journal.pub(), "--quiet");

        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err(), "no Unsafe or native-access warnings: " + r);
    }

    /**
     * In a C locale the JVM reads its command line as ASCII: an outside trial's {@code check-policy --tool ödeme.iade}
     * judged {@code \ufffd\ufffddeme.iade} ("block, no rule matched") with exit 0, and a ledger started from a
     * directory named {@code cwd-é} wrote into a look-alike {@code cwd-??}. The launcher runs the JVM in C.UTF-8; a
     * JVM started otherwise refuses, naming the locale. The command lines are in a script, written as UTF-8 bytes:
     * this JVM may itself be in a C locale, and would pass the arguments on mangled.
     */
    @Test
    void shouldReadNonAsciiArgumentsInACLocaleOrRefuseThem() throws IOException {
        Path policy = tmp.resolve("policy.yaml");
        Files.writeString(policy, "version: \"2026.1\"\ndefaults:\n  default_action: block\npolicies:\n"
                + "  - id: iade-büyük\n    match_methods: [\"ödeme.iade\"]\n    action: stall\n    risk_level: high\n");
        Path script = tmp.resolve("c-locale.sh");
        Files.write(script, ("unset LC_ALL LC_CTYPE LANGUAGE; LANG=C; export LANG\n"
                + "\"$@\" check-policy " + policy + " --tool 'ödeme.iade' --params '{\"amount\":900}'\n")
                .getBytes(StandardCharsets.UTF_8));

        Run launched = run(List.of("/bin/sh", script.toString(), launcher.toString()), Map.of(), false);
        assertEquals(0, launched.exit(), launched::toString);
        assertTrue(launched.out().contains("ödeme.iade {\"amount\":900} -> stall by rule iade-büyük"), launched::toString);

        Run plain = run(List.of("/bin/sh", script.toString(), javaHome.resolve("bin/java").toString(), "-jar",
                jar.toString()), Map.of(), false);
        assertEquals(VouchCli.EXIT_USAGE, plain.exit(), plain::toString);
        assertEquals("", plain.out());
        assertTrue(plain.err().startsWith("vouch: argument 4 (\"\\ufffd\\ufffddeme.iade\") lost characters: this JVM"
                + " reads its command line in the locale's character set, "), plain::toString);
        assertTrue(plain.err().contains("(LANG=C)") && plain.err().contains("LC_ALL=C.UTF-8"), plain::toString);

        Assumptions.assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "this JVM names files in "
                + System.getProperty("sun.jnu.encoding") + ": it cannot make the directory cwd-é itself");
        Path cwd = tmp.resolve("cwd-é");
        Files.createDirectories(cwd.resolve("journal"));
        Path inCwd = tmp.resolve("c-locale-cwd.sh");
        Files.write(inCwd, ("unset LC_ALL LC_CTYPE LANGUAGE; LANG=C; export LANG; cd '" + cwd + "' || exit 9\n"
                + "\"$@\"\n").getBytes(StandardCharsets.UTF_8));
        List<String> plainJava = List.of("/bin/sh", inCwd.toString(), javaHome.resolve("bin/java").toString(), "-jar",
                jar.toString(), "verify");
        Run relative = run(concat(plainJava, "journal", "--pubkey", journal.pub()), Map.of(), false);
        assertEquals(VouchCli.EXIT_USAGE, relative.exit(), relative::toString);
        assertTrue(relative.err().startsWith("vouch: the working directory's name, read in the locale's character"
                + " set "), relative::toString);
        // Absolute paths do not depend on the working directory's name (a re-trial found them refused too).
        Run absolute = run(concat(plainJava, journal.dir(), "--pubkey", journal.pub(), "--quiet"), Map.of(), false);
        assertEquals(0, absolute.exit(), absolute::toString);
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(), siblings.filter(f -> f.getFileName().toString().startsWith("cwd-?")).toList());
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static List<String> launcher() {
        return List.of(launcher.toString());
    }

    private Run run(List<String> launcherCommand, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(launcherCommand);
        command.addAll(Arrays.asList(args));
        Map<String, String> withJava = new HashMap<>(env);
        withJava.putIfAbsent("JAVA_HOME", javaHome.toString());
        return run(command, withJava, false);
    }

    private Run run(List<String> command, Map<String, String> env, boolean withoutJavaHome) {
        try {
            Path cwd = Files.createDirectories(tmp.resolve("cwd"));
            ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
            pb.environment().putAll(env);
            if (withoutJavaHome) {
                pb.environment().remove("JAVA_HOME");
            }
            pb.environment().remove("JDK_JAVA_OPTIONS");
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            Path out = tmp.resolve("stdout");
            Path err = tmp.resolve("stderr");
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the CLI did not finish: " + command);
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A JDK of feature version 23 or newer beside the one running the build, if this machine has one. */
    private static Optional<Path> newerJdk() {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")) && feature(d) >= 23).sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int feature(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=\"")) {
                    String v = line.substring("JAVA_VERSION=\"".length());
                    return Integer.parseInt(v.split("[.\"+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static String required(String key) {
        String value = System.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("system property " + key + " is not set: run through Maven (failsafe)");
        }
        return value;
    }
}
