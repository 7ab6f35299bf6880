package dev.vouch.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Keeps each demo run fresh without ever deleting a directory the demo did not create. */
final class DemoFiles {
    static final String MARKER = ".vouch-demo";

    private DemoFiles() {
    }

    static void clearPreviousRun(Path work) throws IOException {
        if (Files.exists(work)) {
            if (!Files.exists(work.resolve(MARKER))) {
                throw new IOException(work + " exists and was not made by the demo; choose another directory");
            }
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(work);
        Files.createFile(work.resolve(MARKER));
    }

    /** Whether any file under {@code dir} holds {@code text}'s UTF-8 bytes: the demo's check that redaction held. */
    static boolean anyFileContains(Path dir, String text) throws IOException {
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                byte[] hay = Files.readAllBytes(f);
                outer:
                for (int i = 0; i + needle.length <= hay.length; i++) {
                    for (int j = 0; j < needle.length; j++) {
                        if (hay[i + j] != needle[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
            }
        }
        return false;
    }
}
