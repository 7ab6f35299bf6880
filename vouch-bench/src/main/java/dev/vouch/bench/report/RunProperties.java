package dev.vouch.bench.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code run.properties}, which {@code run.sh} writes beside the JSON files: the mode ({@code quick}, {@code full},
 * {@code smoke}), start and end, commit, {@code java -version}, and per JMH invocation {@code group.N},
 * {@code command.N} and {@code status.N} ({@code ok}, {@code failed (exit 1)}, ...). Absent when JMH was run by hand.
 */
final class RunProperties {
    static final String FILE = "run.properties";

    private final Properties props;
    private final boolean present;

    private RunProperties(Properties props, boolean present) {
        this.props = props;
        this.present = present;
    }

    static RunProperties read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        Properties p = new Properties();
        if (!Files.isRegularFile(file)) {
            return new RunProperties(p, false);
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return new RunProperties(p, true);
    }

    boolean present() {
        return present;
    }

    Optional<String> get(String key) {
        return Optional.ofNullable(props.getProperty(key)).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** The JMH invocations in order: {@code group.1}, {@code command.1}, {@code status.1}, then 2, ... */
    List<Invocation> invocations() {
        List<Invocation> out = new ArrayList<>();
        for (int i = 1; props.containsKey("command." + i); i++) {
            out.add(new Invocation(get("group." + i).orElse("#" + i), get("command." + i).orElse(""),
                    get("status." + i).orElse("unknown")));
        }
        return out;
    }

    record Invocation(String group, String command, String status) {
        boolean ok() {
            return status.equals("ok");
        }
    }
}
