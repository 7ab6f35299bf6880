package dev.vouch.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The adapter's public surface, listed, so it cannot grow unnoticed: everything else is package-private. */
class PublicApiTest {
    @Test
    void shouldExposeOnlyTheListedTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(VouchTools.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/vouch/langchain4j");
        List<String> publicTypes;
        try (Stream<Path> files = Files.list(classes)) {
            publicTypes = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .map(n -> "dev.vouch.langchain4j." + n.substring(0, n.length() - ".class".length()))
                    .sorted().toList();
        }
        List<String> exposed = new java.util.ArrayList<>();
        for (String name : publicTypes) {
            Class<?> type = Class.forName(name);
            if (Modifier.isPublic(type.getModifiers())) {
                exposed.add(type.getName());
            }
        }
        assertEquals(List.of(
                "dev.vouch.langchain4j.PendingToolCall",
                "dev.vouch.langchain4j.ResumedToolCall",
                "dev.vouch.langchain4j.StallMode",
                "dev.vouch.langchain4j.VouchTools",
                "dev.vouch.langchain4j.VouchTools$Builder"), exposed);
    }
}
