package dev.vouch.bench.report;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The hand-written JMH result directories under src/test/resources, copied where a test may write. */
final class Fixtures {
    private Fixtures() {
    }

    /** Copies fixture directory {@code name} ("full", "partial") into {@code to}; returns {@code to}. */
    static Path copy(String name, Path to) throws IOException, URISyntaxException {
        URL url = Fixtures.class.getResource(name);
        if (url == null) {
            throw new IOException("no fixture " + name);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of(url.toURI()))) {
            files = list.toList();
        }
        for (Path f : files) {
            Files.copy(f, to.resolve(f.getFileName().toString()));
        }
        return to;
    }

    static Results results(String name, Path tmp) throws IOException, URISyntaxException {
        return new Results(ResultReader.read(copy(name, tmp)).results());
    }
}
