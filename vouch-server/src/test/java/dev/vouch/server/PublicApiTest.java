package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The module's public surface, so that it cannot grow unnoticed: everything else is package-private. */
class PublicApiTest {
    @Test
    void shouldExposeOnlyTheGatewayItsBuilderTheTokensAndTheCommandLine() throws Exception {
        Path classes = Path.of(Gateway.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> publicTypes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                if (Modifier.isPublic(c.getModifiers())) {
                    publicTypes.add(c.getName());
                }
            }
        } catch (IOException e) {
            throw e;
        }
        assertEquals(Set.of("dev.vouch.server.AccessTokens", "dev.vouch.server.AccessTokens$Role",
                "dev.vouch.server.Gateway", "dev.vouch.server.GatewayBuilder", "dev.vouch.server.GatewayMain",
                "dev.vouch.server.GatewayOptions"), publicTypes);
    }
}
