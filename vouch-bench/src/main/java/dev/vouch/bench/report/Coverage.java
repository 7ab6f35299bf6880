package dev.vouch.bench.report;

import java.util.List;

/** Which of the benchmarks a full run measures a results directory lacks (a quick run leaves some out on purpose). */
final class Coverage {
    private Coverage() {
    }

    static List<String> missing(Results results) {
        return Benchmarks.EXPECTED.stream().filter(s -> s.in(results.all()).isEmpty()).map(Select::describe).toList();
    }
}
