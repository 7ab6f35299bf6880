package dev.vouch.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The javadoc examples of the API's entry points are the code in {@link JavadocExamples}, which the build compiles. */
class JavadocExamplesTest {

    @ParameterizedTest
    @CsvSource({
            "Ledger, ../vouch-ledger/src/main/java/dev/vouch/ledger/Ledger.java",
            "Guard, ../vouch-policy/src/main/java/dev/vouch/guard/Guard.java"})
    void shouldShowCompiledCode(String name, String source) throws IOException {
        List<String> javadoc = javadocExample(Path.of(source));
        List<String> compiled = compiledExample(name);
        assertTrue(javadoc.size() >= 2, "no example found in " + source);
        assertEquals(String.join("\n", compiled), String.join("\n", javadoc),
                "the javadoc example in " + source + " differs from JavadocExamples (" + name + ")");
    }

    /** The first {@code <pre>{@code ...}</pre>} block of the type's javadoc, lines stripped. */
    private static List<String> javadocExample(Path source) throws IOException {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(source, StandardCharsets.UTF_8)) {
            String text = line.strip().replaceFirst("^\\* ?", "");
            if (!in && text.equals("<pre>{@code")) {
                in = true;
            } else if (in && text.equals("}</pre>")) {
                return out;
            } else if (in && !text.isBlank()) {
                out.add(text.strip());
            }
        }
        return out;
    }

    private static List<String> compiledExample(String name) throws IOException {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(Path.of("src/main/java/dev/vouch/examples/JavadocExamples.java"),
                StandardCharsets.UTF_8)) {
            String text = line.strip();
            if (text.equals("// javadoc:" + name)) {
                in = true;
            } else if (in && text.equals("// end")) {
                return out;
            } else if (in && !text.isBlank()) {
                out.add(text);
            }
        }
        return out;
    }
}
