package dev.vouch.bench.report;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The machine the benchmarks ran on: cores, CPU model, OS, memory. Detected the first time a directory is
 * reported (run.sh reports right after running) and kept in {@code machine.properties}, so a report regenerated
 * later, elsewhere, still names the machine that measured.
 */
record MachineInfo(String cores, String cpu, String os, String memory) {
    static final String FILE = "machine.properties";

    static MachineInfo forResults(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            return new MachineInfo(p.getProperty("cores", "?"), p.getProperty("cpu", "unknown CPU"),
                    p.getProperty("os", "unknown OS"), p.getProperty("memory", ""));
        }
        MachineInfo here = detect();
        Properties p = new Properties();
        p.setProperty("cores", here.cores());
        p.setProperty("cpu", here.cpu());
        p.setProperty("os", here.os());
        p.setProperty("memory", here.memory());
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "the machine that ran these benchmarks, detected by ReportMain");
        }
        return here;
    }

    static MachineInfo detect() {
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")";
        String memory = firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> v.replaceAll("[^0-9]", ""))
                .filter(v -> !v.isEmpty())
                .map(kb -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kb) / 1024.0 / 1024.0))
                .orElse("");
        return new MachineInfo(Integer.toString(Runtime.getRuntime().availableProcessors()),
                firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU"), os, memory);
    }

    /** The value of the first {@code key : value} line of a /proc file, if the file exists. */
    private static Optional<String> firstValue(Path file, String key) {
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    String describe() {
        return cores + " cores, " + cpu + ", " + os + (memory.isEmpty() ? "" : ", " + memory + " RAM");
    }
}
