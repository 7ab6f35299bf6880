package dev.vouch.bench.report;

/**
 * One line of the targets table.
 *
 * @param status the outcome in words: "met", "**missed**: 39 % short", "not run: no ..."
 */
record TargetRow(String target, String measured, String reference, String ratio, Outcome outcome, String status) {
    enum Outcome { MET, MISSED, NOT_RUN }

    static TargetRow notRun(String target, String missing) {
        return new TargetRow(target, "—", "—", "—", Outcome.NOT_RUN, "not run: no " + missing);
    }
}
