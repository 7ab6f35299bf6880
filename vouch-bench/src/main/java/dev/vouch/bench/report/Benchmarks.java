package dev.vouch.bench.report;

import java.util.List;

/**
 * The benchmarks the report knows by name. Producer and thread counts are read from JMH's {@code threads}, not
 * from method names, so {@code RecordThroughputBenchmark.record} run with {@code -t 2} counts as two producers.
 */
final class Benchmarks {
    static final String THROUGHPUT = "RecordThroughputBenchmark";
    static final String BURST = "BurstBenchmark";
    static final String BASELINE = "BaselineBenchmark";
    static final String LOG4J = "Log4jBaselineBenchmark";
    static final String LATENCY = "RecordLatencyBenchmark";
    static final String VERIFY = "VerifyBenchmark";
    static final String INGEST = "IngestGrowthBenchmark";
    static final String POLICY = "PolicyEvaluationBenchmark";
    static final String GUARD = "GuardCallBenchmark";

    static final String SIGNING = "signing";
    static final String CHECKPOINT = "CHECKPOINT";
    static final String PER_EVENT = "PER_EVENT";
    static final String RECORDS = "records";
    static final String PREEXISTING = "preexistingRecords";

    /** The payload the targets are stated for. */
    static final int TARGET_PAYLOAD = 256;

    /** What a full run measures; the report lists the ones a directory lacks. */
    static final List<Select> EXPECTED = List.of(
            Select.of(THROUGHPUT).threads(1), Select.of(THROUGHPUT).threads(2), Select.of(THROUGHPUT).threads(4),
            Select.of(BURST, "record"), Select.of(BURST, "chronicleAppend"),
            Select.of(BASELINE, "chronicleAppend"), Select.of(BASELINE, "sha256"),
            Select.of(BASELINE, "ed25519Sign"), Select.of(BASELINE, "disruptorHandoff"),
            Select.of(LOG4J).threads(1), Select.of(LOG4J).threads(2), Select.of(LOG4J).threads(4),
            Select.of(LATENCY, "record"), Select.of(LATENCY, "recordJournaled"),
            Select.of(GUARD, "guardCall"), Select.of(GUARD, "recordJournaled"), Select.of(GUARD, "recordSealed"),
            Select.of(VERIFY, "verify"), Select.of(INGEST, "record"), Select.of(POLICY, "evaluate"));

    private Benchmarks() {
    }

    /** Sustained pipeline throughput: {@code RecordThroughputBenchmark}, {@code producers} threads. */
    static Select throughput(String signing, int payload, int producers) {
        return Select.of(THROUGHPUT).threads(producers).payload(payload).param(SIGNING, signing);
    }
}
