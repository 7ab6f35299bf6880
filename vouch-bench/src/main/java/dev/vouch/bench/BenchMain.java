package dev.vouch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH's own command line, plus the JVM flags Chronicle Queue needs in every forked benchmark JVM (the same
 * list as the root pom's {@code vouch.jvm.flags}, and the JDK 23+ extras when the forks run on 23 or newer).
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws IOException, RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        if (cli.shouldHelp()) {
            cli.showHelp();
            return;
        }
        if (cli.shouldListProfilers()) {
            cli.listProfilers();
            return;
        }
        if (cli.shouldListResultFormats()) {
            cli.listResultFormats();
            return;
        }
        List<String> flags = new ArrayList<>(Arrays.asList(chronicleFlags().split("\\s+")));
        if (Runtime.version().feature() >= 23) {
            flags.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        }
        flags.add("-Dchronicle.announcer.disable=true");
        Runner runner = new Runner(new OptionsBuilder().parent(cli).jvmArgsPrepend(flags.toArray(String[]::new)).build());
        if (cli.shouldList()) {
            runner.list();
        } else if (cli.shouldListWithParams()) {
            runner.listWithParams(cli);
        } else {
            runner.run();
        }
    }

    private static String chronicleFlags() throws IOException {
        try (InputStream in = BenchMain.class.getResourceAsStream("jvm-flags.txt")) {
            if (in == null) {
                throw new IOException("jvm-flags.txt is missing from the benchmark jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
