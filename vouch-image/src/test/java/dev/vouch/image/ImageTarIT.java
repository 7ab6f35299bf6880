package dev.vouch.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.ledger.JvmFlags;
import dev.vouch.server.GatewayMain;
import dev.vouch.server.GatewayOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The image Jib built ({@code target/jib-image.tar}, FROM the local test base), read without any container runtime:
 * its config (entrypoint with the JVM flags, user, ports, volume, arguments) and its layers (runtime, class path,
 * ownership and modes). Runs in every build, with or without Podman.
 */
class ImageTarIT {
    static final String DATA = "/var/lib/vouch";
    private static ImageTar image;

    @BeforeAll
    static void read() throws IOException {
        image = ImageTar.read(Path.of(System.getProperty("vouch.image.tar", "target/jib-image.tar")));
    }

    @Test
    void shouldStartTheGatewayWithTheRootPomJvmFlags() {
        List<String> expected = new ArrayList<>();
        expected.add("java");
        // The flags the vouch-ledger jar ships, from the root pom's vouch.jvm.flags, but those for jdk.compiler, a
        // module the image's runtime does not have (the JVM warned "Unknown module" at every start).
        JvmFlags.base().stream().filter(f -> !f.contains("=jdk.compiler/")).forEach(expected::add);
        expected.add("-XX:MaxRAMPercentage=75"); // the heap: three quarters of the container's memory limit
        expected.addAll(List.of("-cp", "@/app/jib-classpath-file", GatewayMain.class.getName()));
        assertEquals(expected, image.strings("Entrypoint"));
        assertEquals(GatewayMain.class.getName() + "\n", new String(image.file("/app/jib-main-class-file").content(),
                StandardCharsets.UTF_8).replaceAll("\\s*$", "\n"));
    }

    @Test
    void shouldRunAsNonRootUserWithTheDataDirectoryAsVolume() {
        assertEquals("65532:65532", image.container().get("User").asText());
        assertEquals(List.of(DATA), image.keys("Volumes"));
        assertEquals(DATA, image.container().get("WorkingDir").asText());
        ImageTar.FileEntry data = image.file(DATA);
        assertTrue(data.directory());
        // A new volume copies this mode: the non-root user must be able to create the journal and key in it.
        assertEquals(0777, data.permissions(), "mode of " + DATA);
        assertEquals(0, data.uid());
    }

    @Test
    void shouldExposeTheServerDefaultPortsAndPassItsOptionsAtTheImagePaths() {
        CommandSpec options = CommandSpec.forAnnotatedObject(new GatewayOptions());
        String port = options.findOption("--port").defaultValue();
        String adminPort = options.findOption("--admin-port").defaultValue();
        assertEquals("9999", port);
        assertEquals("9998", adminPort);
        assertEquals(List.of(port + "/tcp", adminPort + "/tcp"), image.keys("ExposedPorts").stream().sorted(
                (a, b) -> b.compareTo(a)).collect(Collectors.toList()));

        Map<String, String> args = pairs(image.strings("Cmd"));
        assertEquals(Map.of("--journal", DATA + "/journal", "--key", DATA + "/vouch.key", "--policy",
                "/etc/vouch/policy.yaml", "--tokens", "/etc/vouch/tokens", "--bind", "0.0.0.0", "--admin-bind",
                "0.0.0.0"), args);
        for (String option : args.keySet()) {
            assertNotNull(options.findOption(option), "vouch-server has no option " + option);
        }
    }

    @Test
    void shouldShipAJavaRuntimeAndEveryClassPathEntry() {
        assertTrue(image.strings("Env").contains("JAVA_HOME=/opt/java/openjdk"), image.strings("Env").toString());
        assertTrue(image.strings("Env").stream().anyMatch(e -> e.startsWith("PATH=/opt/java/openjdk/bin:")));
        assertEquals(0755, image.file("/opt/java/openjdk/bin/java").permissions());

        String classPath = new String(image.file("/app/jib-classpath-file").content(), StandardCharsets.UTF_8).strip();
        List<String> entries = Arrays.asList(classPath.split(":"));
        for (String entry : entries) {
            if (!entry.endsWith("/*")) {
                assertTrue(image.files.containsKey(entry), "class path entry " + entry + " is not in the image");
            }
        }
        for (String jar : List.of("vouch-server-", "vouch-ledger-", "vouch-policy-", "vouch-core-", "snakeyaml-",
                "jetty-server-", "micrometer-registry-prometheus-", "slf4j-simple-", "chronicle-queue-")) {
            assertTrue(entries.stream().anyMatch(e -> e.startsWith("/app/libs/" + jar)), jar + " is not on the class path");
        }
        assertTrue(image.files.containsKey("/app/classes/dev/vouch/image/SecretInstaller.class"));
        assertTrue(image.files.containsKey("/app/resources/simplelogger.properties"));
    }

    @Test
    void shouldOwnEveryFileByRootAndSetNoSetuidBits() {
        for (ImageTar.FileEntry f : image.files.values()) {
            boolean nonrootHome = f.path().equals("/home/nonroot");
            assertTrue(f.uid() == 0 || nonrootHome, f.path() + " is owned by uid " + f.uid());
            assertFalse(!f.symlink() && (f.permissions() & 06000) != 0, f.path() + " has a setuid/setgid bit");
            boolean worldWritable = !f.symlink() && (f.permissions() & 0002) != 0;
            assertFalse(worldWritable && !f.path().equals("/tmp") && !f.path().equals(DATA),
                    f.path() + " is writable by everyone");
        }
        String passwd = new String(image.file("/etc/passwd").content(), StandardCharsets.UTF_8);
        assertTrue(passwd.contains(":65532:65532:"), passwd);
    }

    private static Map<String, String> pairs(List<String> args) {
        assertEquals(0, args.size() % 2, "options and values: " + args);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            out.put(args.get(i), args.get(i + 1));
        }
        return out;
    }
}
