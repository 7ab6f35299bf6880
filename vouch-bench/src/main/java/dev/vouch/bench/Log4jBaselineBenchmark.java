package dev.vouch.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.async.AsyncLogger;
import org.apache.logging.log4j.core.async.AsyncLoggerContext;
import org.apache.logging.log4j.core.async.AsyncLoggerContextSelector;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.logging.log4j.core.jmx.RingBufferAdmin;
import org.apache.logging.log4j.message.StringMapMessage;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The audit log a Java developer would write without Vouch: Log4j2's all-async loggers (Disruptor ring) writing
 * one JSON line per tool call, with the fields the Vouch pipeline records, to a buffered file. One operation is
 * one {@code logger.info} of a {@link StringMapMessage}; the line is formatted and written on Log4j2's
 * background thread.
 *
 * <p>Log4j2 is configured in code, in this benchmark's forks only ({@code -Dlog4j2.contextSelector} is added
 * by {@code @Fork}); the rest of vouch-bench logs through slf4j-simple and never touches Log4j2.
 *
 * <p>Log4j2 on Disruptor 4 can drop events silently when the ring is full and several threads log: it reads
 * the negative remaining capacity Disruptor 4 reports while a producer waits as "shut down" and discards the
 * event. This benchmark does not hide that: at the end of each trial it stops Log4j2 (which drains the ring),
 * counts the lines in the file, prints "log4j2 async: logged N, in file M, lost K" and reports
 * {@code lostEvents} and {@code lostPercent} as secondary metrics (totals over the whole trial, warm-up
 * included). Lost events still count as operations, so ops/s overstates what reached the file whenever
 * {@code lostEvents} is not 0.
 *
 * <pre>
 * java -jar vouch-bench/target/benchmarks.jar Log4jBaselineBenchmark -p payloadBytes=256 -rf json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = "-Dlog4j2.contextSelector=org.apache.logging.log4j.core.async.AsyncLoggerContextSelector")
public class Log4jBaselineBenchmark {
    /**
     * One flat JSON object per line. {@code %K{key}} reads a field of the map message; {@code %enc{..}{JSON}}
     * escapes it as a JSON string, as a real audit log must (agents put quotes and newlines in parameters).
     */
    static final String JSON_LINE = "{\"timestamp\":\"%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z'}{UTC}\""
            + ",\"agent\":\"%enc{%K{agent}}{JSON}\",\"task\":\"%enc{%K{task}}{JSON}\""
            + ",\"tool\":\"%enc{%K{tool}}{JSON}\",\"kind\":\"%enc{%K{kind}}{JSON}\""
            + ",\"params\":\"%enc{%K{params}}{JSON}\"}%n";

    /** The same payload sizes as {@link RecordThroughputBenchmark}: that many 'x' bytes of parameters. */
    @Param({"64", "256", "4096"})
    int payloadBytes;

    private Path dir;
    private Path file;
    private LoggerContext context;
    private Logger logger;
    private final List<Producer> producers = new CopyOnWriteArrayList<>();

    @Setup(Level.Trial)
    public void start() throws IOException {
        // The selector must come from this fork's command line (@Fork): fail rather than measure a sync logger.
        if (!AsyncLoggerContextSelector.isSelected()) {
            throw new IllegalStateException("log4j2.contextSelector is not AsyncLoggerContextSelector in this JVM;"
                    + " run through benchmarks.jar with forks (-f 1 or more), and without -jvmArgsAppend");
        }
        dir = Files.createTempDirectory("vouch-log4j");
        file = dir.resolve("audit.jsonl");
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setConfigurationName("vouch-log4j-baseline").setStatusLevel(org.apache.logging.log4j.Level.WARN);
        b.add(b.newAppender("audit", "File")
                .addAttribute("fileName", file.toString())
                .addAttribute("append", false)
                .addAttribute("immediateFlush", false)
                .addAttribute("bufferedIO", true)
                .add(b.newLayout("PatternLayout").addAttribute("pattern", JSON_LINE)));
        b.add(b.newRootLogger(org.apache.logging.log4j.Level.INFO).add(b.newAppenderRef("audit")));
        context = Configurator.initialize(b.build());
        logger = context.getLogger("audit");
        if (!(context instanceof AsyncLoggerContext) || !(logger instanceof AsyncLogger)
                || !"vouch-log4j-baseline".equals(context.getConfiguration().getName())) {
            throw new IllegalStateException("Log4j2 is not running all-async with this benchmark's configuration: "
                    + context.getClass().getName() + ", " + logger.getClass().getName() + ", "
                    + context.getConfiguration().getName());
        }
        RingBufferAdmin ring = ((AsyncLoggerContext) context).createRingBufferAdmin();
        System.out.printf(Locale.ROOT, "%n  log4j2 async: ring of %,d slots, file %s%n", ring.getBufferSize(), file);
    }

    @TearDown(Level.Trial)
    public void stopAndCount() throws IOException, InterruptedException {
        long logged = 0;
        for (Producer p : producers) {
            logged += p.logged;
        }
        // Producers have stopped: let the background thread empty the ring first, so that Log4j2's own stop
        // (which gives up on a backlog after a timeout) cannot add losses of its own to the count.
        RingBufferAdmin ring = ((AsyncLoggerContext) context).createRingBufferAdmin();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ring.getRemainingCapacity() != ring.getBufferSize() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long backlog = ring.getBufferSize() - ring.getRemainingCapacity();
        Configurator.shutdown(context); // stops the ring and flushes and closes the file
        long lines = countLines(file);
        long lost = logged - lines;
        double percent = logged == 0 ? 0 : 100.0 * lost / logged;
        System.out.printf(Locale.ROOT,
                "  log4j2 async: logged %,d, in file %,d, lost %,d (%.2f %%), %d threads, %d-byte payload%s%n",
                logged, lines, lost, percent, producers.size(), payloadBytes,
                backlog == 0 ? "" : ", ring still held " + backlog + " events after 60 s");
        // Secondary metrics are summed over threads and iterations: put the trial's totals on one thread's state.
        producers.get(0).lostEvents = lost;
        producers.get(0).lostPercent = percent;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** Newlines in the file; fails if it is missing, empty, or its first line is not the expected JSON. */
    static long countLines(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            throw new IllegalStateException("Log4j2 wrote nothing: " + file + " is missing or empty");
        }
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            long lines = 0;
            boolean first = true;
            while (ch.read(buf.clear()) > 0) {
                buf.flip();
                if (first) {
                    checkFirstLine(buf);
                    first = false;
                }
                while (buf.hasRemaining()) {
                    if (buf.get() == '\n') {
                        lines++;
                    }
                }
            }
            return lines;
        }
    }

    private static void checkFirstLine(ByteBuffer buf) {
        byte[] head = new byte[Math.min(buf.remaining(), 200)];
        buf.duplicate().get(head);
        String line = new String(head, StandardCharsets.UTF_8);
        if (!line.startsWith("{\"timestamp\":\"") || !line.contains("\"agent\":\"bench-agent\",\"task\":\"bench-task\","
                + "\"tool\":\"fs.read\",\"kind\":\"TOOL_CALL\",\"params\":\"xxxx")) {
            throw new IllegalStateException("unexpected line in the Log4j2 file: " + line);
        }
    }

    /**
     * One logging thread. The public fields are JMH secondary metrics ({@code EVENTS}: summed over threads and
     * iterations); they stay 0 until the trial's last iteration, when {@link #stopAndCount} fills them in.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Producer {
        /** Events logged but not in the file after Log4j2 stopped, over the whole trial (warm-up included). */
        public long lostEvents;
        /** {@link #lostEvents} as a percentage of the events logged in the trial. */
        public double lostPercent;
        String params;
        long logged; // not public: not a metric, summed by stopAndCount

        @Setup(Level.Trial)
        public void join(Log4jBaselineBenchmark bench) {
            params = "x".repeat(bench.payloadBytes);
            bench.producers.add(this);
        }
    }

    @Benchmark
    @Threads(1)
    public void oneThread(Producer p) {
        log(p);
    }

    @Benchmark
    @Threads(2)
    public void twoThreads(Producer p) {
        log(p);
    }

    @Benchmark
    @Threads(4)
    public void fourThreads(Producer p) {
        log(p);
    }

    // What an audit call looks like with Log4j2's structured messages: one map message per event.
    private void log(Producer p) {
        logger.info(new StringMapMessage(5).with("agent", "bench-agent").with("task", "bench-task")
                .with("tool", "fs.read").with("kind", "TOOL_CALL").with("params", p.params));
        p.logged++;
    }
}
