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
}
