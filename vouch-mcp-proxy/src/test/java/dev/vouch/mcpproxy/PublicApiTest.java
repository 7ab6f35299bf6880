package dev.vouch.mcpproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The public surface of vouch-mcp-proxy, so that it cannot grow unnoticed. */
class PublicApiTest {

    @Test
    void shouldExposeOnlyTheProxyItsSessionTheStallModeAndTheCommand() throws Exception {
        URL here = McpProxy.class.getResource("McpProxy.class");
        Path dir = Path.of(here.toURI()).getParent();
        TreeSet<String> publicTypes = new TreeSet<>();
        try (Stream<Path> classes = Files.list(dir)) {
            for (Path p : classes.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = p.getFileName().toString().replace(".class", "");
                Class<?> c = Class.forName("dev.vouch.mcpproxy." + name.replace(File.separator, "."));
                if (reachable(c)) {
                    publicTypes.add(name);
                }
            }
        }
        assertEquals(new TreeSet<>(List.of("McpProxy", "McpProxy$Builder", "McpProxy$Session", "McpProxyMain", "StallMode")),
                publicTypes);
    }

    /** Public, and so are all the classes it is nested in. */
    private static boolean reachable(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass()) {
                return false;
            }
        }
        return true;
    }

    @Test
    void shouldKeepThePublicMethods() {
        var methods = Stream.of(McpProxy.class, McpProxy.Builder.class, McpProxy.Session.class, McpProxyMain.class)
                .flatMap(c -> Arrays.stream(c.getDeclaredMethods()).filter(m -> Modifier.isPublic(m.getModifiers()))
                        .map(m -> c.getSimpleName() + "." + m.getName()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("McpProxy.builder", "McpProxy.start", "McpProxy.run",
                "Builder.stdio", "Builder.upstream", "Builder.upstreamHeader", "Builder.serverStderr",
                "Builder.stallMode", "Builder.hideBlockedTools", "Builder.toolPrefix", "Builder.maxMessageBytes",
                "Builder.shutdownTimeout", "Builder.build", "Session.awaitExit", "Session.close",
                "McpProxyMain.main", "McpProxyMain.run", "McpProxyMain.call")), methods);
    }
}
