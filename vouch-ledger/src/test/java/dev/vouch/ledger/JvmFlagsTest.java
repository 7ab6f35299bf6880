package dev.vouch.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JVM-flag preflight, in real child JVMs on JDK 17 and (where this machine has one) 25: without the flags,
 * {@code open()} refuses with a message naming exactly the missing ones before Chronicle is touched; with the flags
 * from the jar's own argfiles, or from {@code JDK_JAVA_OPTIONS}, it opens without a false alarm. And the one list
 * is the one everything else uses: docs/OPERATIONS.md and the jar manifests of the CLI and the examples.
 */
class JvmFlagsTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    private static Path repoRoot() {
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !Files.exists(d.resolve("docs").resolve("OPERATIONS.md"))) {
            d = d.getParent();
        }
        return d;
    }

    /** The JDK running the build (17) and a Temurin 25 beside it, if there is one. */
    private static Optional<Path> java(int feature) throws IOException {
        Path own = Path.of(System.getProperty("java.home"), "bin", "java");
        if (feature == Runtime.version().feature()) {
            return Optional.of(own);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(jvms)) {
            return s.filter(p -> p.getFileName().toString().contains("-" + feature + "-")
                    || p.getFileName().toString().endsWith("-" + feature)).map(p -> p.resolve("bin").resolve("java"))
                    .filter(Files::isExecutable).findFirst();
        }
    }

    private Run child(Path java, List<String> flags, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PreflightChild.class.getName(),
                tmp.resolve("journal-" + System.nanoTime()).toString(), tmp.resolve("key-" + System.nanoTime()).toString()));
        return run(cmd, env);
    }

    private Run run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child did not finish: " + cmd);
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The jar's argfiles, as a user extracts them (here: the build's copy of the resources). */
    private static Path argfile(String name) {
        Path f = Path.of("target", "classes", "META-INF", "vouch", name).toAbsolutePath();
        assertTrue(Files.exists(f), f.toString());
        return f;
    }

    @ParameterizedTest
    @ValueSource(ints = {17, 25})
    void shouldRefuseToOpenWithoutTheFlagsNamingExactlyTheMissingOnes(int feature) throws Exception {
        Optional<Path> java = java(feature);
        org.junit.jupiter.api.Assumptions.assumeTrue(java.isPresent(), "no JDK " + feature + " here");

        Run r = child(java.get(), List.of(), Map.of());

        assertEquals(3, r.exit(), r::toString);
        List<String> expected = new ArrayList<>(JvmFlags.forJdk(feature));
        // Properties Vouch sets itself; jdk.unsupported exports sun.misc to everyone already.
        expected.removeIf(f -> f.startsWith("-D") || f.equals("--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED"));
        // The JDK 23+ extras only keep the JDK from warning: named apart, not counted among the needed ones (a new
        // user read "lacks 12 flag(s)" while 10 were needed).
        List<String> extras = feature >= 23 ? JvmFlags.jdk23Extras() : List.of();
        List<String> needed = expected.stream().filter(f -> !extras.contains(f)).toList();
        assertTrue(r.out().startsWith("REFUSED this JVM lacks " + needed.size() + " flag(s) the Vouch journal"
                + " (Chronicle Queue) needs on JDK " + feature + ":\n  " + String.join(" ", needed) + "\n"
                + (extras.isEmpty() ? "" : "and " + extras.size() + " more that only keep the JDK from warning:\n  "
                        + String.join(" ", extras) + "\n")), r::toString);
        assertTrue(r.out().contains(JvmFlags.DOCS), r::toString);
        assertFalse(r.err().contains("IllegalAccess") || r.err().contains("AssertionError"), r::toString);
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("journal-")),
                    "nothing is created before the check");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {17, 25})
    void shouldOpenWithTheJarsArgfilesWithoutAFalseAlarm(int feature) throws Exception {
        Optional<Path> java = java(feature);
        org.junit.jupiter.api.Assumptions.assumeTrue(java.isPresent(), "no JDK " + feature + " here");
        List<String> flags = new ArrayList<>(List.of("@" + argfile("jvm-flags.txt")));
        if (feature >= 23) {
            flags.add("@" + argfile("jvm-flags-jdk23.txt"));
        }

        Run r = child(java.get(), flags, Map.of());

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("OPENED "), r::toString);
        assertFalse(r.err().contains("lacks") || r.err().contains("WARNING"), r::toString);
    }

    /**
     * The module descriptors at work: Vouch and Chronicle on the module path (Chronicle as automatic modules), the
     * application on the class path. The check then asks the Chronicle modules, not ALL-UNNAMED, and its message
     * names them; with the flags granted to them, a journal is written that verifies.
     */
    @Test
    void shouldCheckTheChronicleModulesOnTheModulePath() throws Exception {
        Path java = java(Runtime.version().feature()).orElseThrow();
        Path journal = tmp.resolve("journal-mp");
        Path key = tmp.resolve("key-mp");

        Run refused = modulePathChild(java, List.of(), journal);
        assertEquals(3, refused.exit(), refused::toString);
        assertTrue(refused.out().contains("java.base/sun.nio.ch=chronicle.bytes,chronicle.core,"), refused::toString);
        assertFalse(refused.out().contains("sun.nio.ch=ALL-UNNAMED"), refused::toString);

        if (JvmFlags.forRunningJdk().stream().anyMatch(f -> f.startsWith("--enable-native-access"))) {
            // JNA and JNR's jffi call native code for Chronicle, and are modules of their own on the module path.
            assertTrue(refused.out().contains("--enable-native-access=chronicle.bytes,chronicle.core,chronicle.queue,"
                    + "chronicle.threads,chronicle.wire,com.sun.jna,org.jnrproject.jffi"), refused::toString);
        }
        // Every flag granted to all but one of the modules: the message names the one.
        List<String> withoutThreads = modulePathFlags().stream().map(f -> f.replace(",chronicle.threads", "")).toList();
        Run partial = modulePathChild(java, withoutThreads, journal);
        assertEquals(3, partial.exit(), partial::toString);
        assertTrue(partial.out().contains("The flags given are in force for the other modules; they lack only"
                + " chronicle.threads: add it to each flag's list of modules"), partial::toString);

        Run opened = modulePathChild(java, modulePathFlags(), journal);
        assertEquals(0, opened.exit(), opened::toString);
        assertEquals("OPENED dev.vouch.ledger true", opened.out().strip(), opened::toString);
        dev.vouch.verify.VerificationReport report;
        try (dev.vouch.verify.RecordSource reader = JournalReader.open(journal)) {
            report = dev.vouch.verify.JournalVerifier.trusting(
                    dev.vouch.crypto.KeyFile.load(key).verifyingKey()).verify(reader);
        }
        assertEquals(dev.vouch.verify.Verdict.INTACT, report.verdict(), report::toString);
        assertEquals(1, report.events());
    }

    /**
     * An application that is a named module itself, compiled here against Vouch's modules with no Micrometer, run
     * with {@code -m} and the flags granted to the Chronicle modules. An outside trial found such an application
     * needed Micrometer to compile ({@code requires static transitive}), died in Chronicle's {@code Jvm.<clinit>}
     * ({@code jdk.unsupported} not in the module graph), and then ran with no disk space reservation (JNR's ASM not
     * in the graph); this test ran its child from the class path and saw none of it.
     */
    @Test
    void shouldRunAnApplicationModuleWithoutMicrometerAndWithNativeAccess() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("app-src/app"));
        Files.writeString(src.getParent().resolve("module-info.java"), "module app { requires dev.vouch.ledger; }\n");
        Files.writeString(src.resolve("Main.java"), """
                package app;
                public final class Main {
                    public static void main(String[] args) {
                        try (dev.vouch.ledger.Ledger ledger = dev.vouch.ledger.Ledger.builder(java.nio.file.Path.of(args[0]))
                                .keyFile(java.nio.file.Path.of(args[1])).shutdownHook(false).open()) {
                            ledger.record(dev.vouch.Event.of(dev.vouch.EventKind.TOOL_CALL).name("app.module"));
                            System.out.println("OPENED " + Main.class.getModule().getName());
                        }
                    }
                }
                """);
        List<String> modulePath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (!entry.endsWith("test-classes") && !entry.contains("vouch-test-support") && !name.matches(
                    "(junit|opentest4j|apiguardian|prometheus|micrometer|HdrHistogram|LatencyUtils|surefire).*")) {
                modulePath.add(entry);
            }
        }
        Path out = tmp.resolve("app-classes");
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        java.io.StringWriter compilerOutput = new java.io.StringWriter();
        List<String> options = List.of("-d", out.toString(), "--module-path", String.join(File.pathSeparator, modulePath));
        List<String> sources = List.of(src.getParent().resolve("module-info.java").toString(), src.resolve("Main.java").toString());
        try (javax.tools.StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            boolean compiled = javac.getTask(compilerOutput, files, null, options, null,
                    files.getJavaFileObjectsFromStrings(sources)).call();
            assertTrue(compiled, "an application module compiles without Micrometer: " + compilerOutput);
        }

        List<String> cmd = new ArrayList<>(List.of(java(Runtime.version().feature()).orElseThrow().toString()));
        cmd.addAll(modulePathFlags());
        Path journal = tmp.resolve("journal-app");
        Path key = tmp.resolve("key-app");
        cmd.addAll(List.of("-p", out + File.pathSeparator + String.join(File.pathSeparator, modulePath), "-m",
                "app/app.Main", journal.toString(), key.toString()));
        Run r = run(cmd, Map.of());

        assertEquals(0, r.exit(), r::toString);
        assertEquals("OPENED app", r.out().strip(), r::toString);
        assertFalse(r.err().contains("no native access"), "the disk space reservation works: " + r);
        assertFalse(r.err().contains("lacks") || r.err().contains("restricted method"), "no flag missing: " + r);
        dev.vouch.verify.VerificationReport report;
        try (dev.vouch.verify.RecordSource reader = JournalReader.open(journal)) {
            report = dev.vouch.verify.JournalVerifier.trusting(
                    dev.vouch.crypto.KeyFile.load(key).verifyingKey()).verify(reader);
        }
        assertEquals(dev.vouch.verify.Verdict.INTACT, report.verdict(), report::toString);
    }

    /** The flags for the running JDK as the module path needs them: granted to the modules that use them. */
    private static List<String> modulePathFlags() {
        List<String> flags = new ArrayList<>();
        for (String flag : JvmFlags.forRunningJdk()) {
            flags.add(flag.replace("=ALL-UNNAMED", "=chronicle.core,chronicle.bytes,chronicle.queue,chronicle.wire,"
                    + "chronicle.threads" + (flag.startsWith("--enable-native-access") ? ",com.sun.jna,org.jnrproject.jffi" : "")));
        }
        return flags;
    }

    /** Everything but the test classes and the test libraries on the module path; the child on the class path. */
    private Run modulePathChild(Path java, List<String> flags, Path journal) throws Exception {
        List<String> modulePath = new ArrayList<>();
        String testClasses = null;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (entry.endsWith("test-classes")) {
                testClasses = entry;
            } else if (!entry.contains("vouch-test-support") && !name.matches(
                    "(junit|opentest4j|apiguardian|prometheus|micrometer-registry|HdrHistogram|LatencyUtils|surefire).*")) {
                modulePath.add(entry);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        cmd.addAll(flags);
        cmd.addAll(List.of("-p", String.join(File.pathSeparator, modulePath), "--add-modules", "dev.vouch.ledger",
                "-cp", testClasses, dev.vouch.modulepath.ModulePathChild.class.getName(), journal.toString(),
                tmp.resolve("key-mp").toString()));
        return run(cmd, Map.of());
    }

    /**
     * An application that logs at INFO sees Vouch's lines and not Chronicle's performance notes (one start-up line,
     * "Chronicle core loaded from ...", has no switch: docs/OPERATIONS.md, "Logs"), and a closed ledger leaves no
     * thread behind (0.1 left Chronicle's background resource releaser running).
     */
    @Test
    void shouldKeepChronicleQuietAndLeaveNoThreadAfterClose() throws Exception {
        Path java = java(Runtime.version().feature()).orElseThrow();
        List<String> flags = new ArrayList<>(List.of("@" + argfile("jvm-flags.txt"),
                "-Dorg.slf4j.simpleLogger.log.net.openhft=info"));

        Run r = child(java, flags, Map.of());

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("Vouch journal created"), r::toString);
        assertFalse(r.err().contains("to add mapping"), r::toString);
        assertTrue(r.err().lines().filter(l -> l.contains("INFO") && !l.contains("INFO ledger")).count() <= 1, r::toString);
        assertTrue(r.out().contains("THREADS\n") || r.out().endsWith("THREADS"), "threads left: " + r);
    }

    /** Micrometer is optional: a ledger opens and closes with no Micrometer jar on the class path. */
    @Test
    void shouldRunWithoutMicrometerOnTheClassPath() throws Exception {
        Path javaExe = java(Runtime.version().feature()).orElseThrow();
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.contains("micrometer") && !p.contains("prometheus") && !p.contains("HdrHistogram"))
                .reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(javaExe.toString(), "@" + argfile("jvm-flags.txt"), "-cp", classPath,
                PreflightChild.class.getName(), tmp.resolve("no-micrometer").toString(), tmp.resolve("key").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("OPENED "), output);
    }

    @Test
    void shouldOpenWithTheFlagsInJdkJavaOptions() throws Exception {
        Path java = java(Runtime.version().feature()).orElseThrow();

        Run r = child(java, List.of(), Map.of("JDK_JAVA_OPTIONS", String.join(" ", JvmFlags.forRunningJdk())));

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("OPENED "), r::toString);
    }

    @Test
    void shouldOnlyWarnWhenJustTheJdk23ExtrasAreMissing() throws Exception {
        Optional<Path> java = java(25);
        org.junit.jupiter.api.Assumptions.assumeTrue(java.isPresent(), "no JDK 25 here");

        Run r = child(java.get(), List.of("@" + argfile("jvm-flags.txt")), Map.of());

        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("This JVM lacks " + String.join(" ", JvmFlags.jdk23Extras())), r::toString);
    }

    @Test
    void shouldFindNothingMissingInThisBuildsOwnJvm() {
        assertEquals(List.of(), JvmFlags.missing());
    }

    /** docs/OPERATIONS.md shows the two lists exactly, one flag per line. */
    @Test
    void shouldMatchTheListsInOperationsMd() throws IOException {
        String doc = Files.readString(repoRoot().resolve("docs").resolve("OPERATIONS.md"), StandardCharsets.UTF_8);
        Matcher blocks = Pattern.compile("```\n((?:-[^\n]*\n)+)```").matcher(doc);
        assertTrue(blocks.find(), "no flag block in OPERATIONS.md");
        assertEquals(JvmFlags.base(), Arrays.asList(blocks.group(1).strip().split("\n")));
        assertTrue(blocks.find(), "no JDK 23 flag block in OPERATIONS.md");
        assertEquals(JvmFlags.jdk23Extras(), Arrays.asList(blocks.group(1).strip().split("\n")));
    }

    /** The jar manifests that carry the exports and opens for {@code java -jar} list the same ones. */
    @ParameterizedTest
    @ValueSource(strings = {"vouch-cli/pom.xml", "examples/pom.xml"})
    void shouldMatchTheManifestListsOf(String pom) throws IOException {
        String text = Files.readString(repoRoot().resolve(pom), StandardCharsets.UTF_8);
        List<String> exports = new ArrayList<>();
        List<String> opens = new ArrayList<>();
        for (String f : JvmFlags.base()) {
            if (f.startsWith("--add-exports=")) {
                exports.add(f.substring("--add-exports=".length()).replace("=ALL-UNNAMED", ""));
            } else if (f.startsWith("--add-opens=")) {
                opens.add(f.substring("--add-opens=".length()).replace("=ALL-UNNAMED", ""));
            }
        }
        assertTrue(text.contains("<Add-Exports>" + String.join(" ", exports) + "</Add-Exports>"), pom);
        assertTrue(text.contains("<Add-Opens>" + String.join(" ", opens) + "</Add-Opens>"), pom);
    }
}
