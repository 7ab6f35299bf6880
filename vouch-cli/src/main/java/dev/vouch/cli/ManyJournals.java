package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.VerificationListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code vouch verify} over several journals (one per agent host or process): verified in parallel, each by one
 * thread, reported one line each in the order given, then a total. Two journals that claim the same origin are
 * flagged: their checkpoints could be passed off as each other's, so the run fails. The exit code is the worst of
 * all: 2 if any journal could not be read, else 1 if any is not intact or an origin is claimed twice, else 0.
 *
 * <p>With {@code --json}, each journal's object (the single-journal object of docs/CLI.md, "verify --json", or for a
 * journal that could not be read {@code journal}, {@code status: "error"}, {@code exit_code}, {@code reason}) is
 * built in memory by its worker, failures included, and the objects are printed in order inside one object.
 */
final class ManyJournals {
    private final List<Path> targets;
    private final List<VerifyingKey> anchors;
    private final int threads;
    private final PrintWriter out;
    private final PrintWriter err;
    private final int width;

    /** What became of one journal. */
    record Result(Path path, String display, Outcome outcome, int exit, String error, String json) {
        String origin() {
            return outcome == null ? null : outcome.report().origin();
        }
    }

    ManyJournals(List<Path> targets, List<VerifyingKey> anchors, int threads, PrintWriter out, PrintWriter err) {
        this.targets = targets;
        this.anchors = anchors;
        this.threads = threads;
        this.out = out;
        this.err = err;
        this.width = targets.stream().mapToInt(p -> display(p).length()).max().orElse(0);
    }

    private static String display(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    int run(boolean json, boolean quiet) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, targets.size()), r -> {
            Thread t = new Thread(r, "vouch-verify");
            t.setDaemon(true);
            return t;
        });
        List<Result> results = new ArrayList<>();
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (Path p : targets) {
                futures.add(pool.submit(() -> verify(p, json)));
            }
            for (Future<Result> f : futures) {
                Result r = get(f);
                results.add(r);
                if (!json && !quiet) {
                    out.println(line(r, width));
                    out.flush();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, List<Result>> byOrigin = new LinkedHashMap<>();
        for (Result r : results) {
            if (r.origin() != null) {
                byOrigin.computeIfAbsent(r.origin(), o -> new ArrayList<>()).add(r);
            }
        }
        byOrigin.values().removeIf(l -> l.size() < 2);
        int exit = VouchCli.EXIT_OK;
        for (Result r : results) {
            exit = Math.max(exit, r.exit());
        }
        if (!byOrigin.isEmpty()) {
            exit = Math.max(exit, VouchCli.EXIT_FAILED);
        }
        if (json) {
            writeJson(results, byOrigin, exit);
        } else if (!quiet) {
            writeTotal(results, byOrigin, exit);
        }
        return exit;
    }

    private static Result get(Future<Result> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(c);
        }
    }

    /** Verifies one journal on a worker thread; problems become a result, never an exception. */
    private Result verify(Path path, boolean json) {
        String display = display(path);
        StringWriter text = new StringWriter();
        StringWriter warnings = new StringWriter();
        try (PrintWriter w = new PrintWriter(warnings); JournalCheck check = JournalCheck.open(path, w)) {
            JournalVerifier verifier = JournalVerifier.trusting(check.anchor(anchors)).threads(1);
            Outcome outcome;
            if (json) {
                try (JsonGenerator g = Json.generator(text)) {
                    outcome = VerifyCommand.writeJson(g, check, verifier, new ProgressBar(err, false, ""), 1);
                }
            } else {
                outcome = check.verify(verifier.listener(VerificationListener.NONE), p -> { });
            }
            w.flush();
            synchronized (err) {
                err.print(warnings);
                err.flush();
            }
            return new Result(path, display, outcome, outcome.exitCode(), null, text.toString());
        } catch (VerificationStopped e) {
            return new Result(path, display, null, VouchCli.EXIT_FAILED, e.getMessage(), text.toString());
        } catch (CliException | dev.vouch.VouchException e) {
            return new Result(path, display, null, VouchCli.EXIT_USAGE, e.getMessage(), text.toString());
        } catch (IOException e) {
            return new Result(path, display, null, VouchCli.EXIT_USAGE, Errors.describe(e), text.toString());
        } catch (java.io.UncheckedIOException e) {
            return new Result(path, display, null, VouchCli.EXIT_USAGE, Errors.describe(e.getCause()), text.toString());
        }
    }

    /** One line per journal: the status, where, the origin, and what matters. */
    static String line(Result r, int width) {
        String where = String.format(Locale.ROOT, "%-" + Math.max(1, width) + "s", Text.safe(r.display()));
        if (r.outcome() == null) {
            return String.format(Locale.ROOT,
                    "%-11s %s  %s", r.exit() == VouchCli.EXIT_FAILED ? "STOPPED" : "ERROR", where,
                    Text.safe(r.error()));
        }
        Outcome o = r.outcome();
        var rep = o.report();
        String label = switch (o.status()) {
            case INTACT -> "INTACT";
            case TAMPERED -> "TAMPERED";
            case UNREADABLE -> "UNREADABLE";
            case TORN_TAIL, UNSEALED, LATER_FILE_MISSING, EMPTY -> "INCOMPLETE";
        };
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-11s %s  %s  %d records, %d key(s)", label,
                where, rep.origin() == null ? "(no origin)" : Text.safe(rep.origin()), rep.records(),
                rep.keys().size()));
        switch (o.status()) {
            case INTACT -> b.append(", sealed");
            case TORN_TAIL -> b.append(", torn tail: ").append(rep.uncoveredRecords()).append(" record(s) after the last"
                    + " signed checkpoint");
            case UNSEALED -> b.append(", not sealed");
            case LATER_FILE_MISSING -> b.append(", sealed, but a later cycle file is missing");
            case EMPTY -> b.append(", no records");
            case TAMPERED, UNREADABLE -> b.append(", ").append(o.failureCount()).append(" failure(s)")
                    .append(rep.failures().isEmpty() ? "" : "; first: " + Text.safe(rep.failures().get(0).toString()));
        }
        return b.toString();
    }

    private void writeTotal(List<Result> results, Map<String, List<Result>> byOrigin, int exit) {
        int intact = 0;
        int tampered = 0;
        int incomplete = 0;
        int errors = 0;
        for (Result r : results) {
            if (r.outcome() == null) {
                errors++;
            } else {
                switch (r.outcome().status()) {
                    case INTACT -> intact++;
                    case TAMPERED, UNREADABLE -> tampered++;
                    default -> incomplete++;
                }
            }
        }
        for (Map.Entry<String, List<Result>> e : byOrigin.entrySet()) {
            out.println("DUPLICATE ORIGIN " + Text.safe(e.getKey()) + ": claimed by " + e.getValue().size()
                    + " journals: " + String.join(", ", e.getValue().stream().map(r -> Text.safe(r.display())).toList()));
        }
        out.println();
        out.println((exit == VouchCli.EXIT_OK ? "ALL INTACT: " : "NOT ALL INTACT: ") + results.size() + " journal(s): "
                + intact + " intact, " + tampered + " tampered or unreadable, " + incomplete + " incomplete, " + errors
                + " could not be read; " + byOrigin.size() + " origin(s) claimed by more than one journal");
        out.flush();
    }

    private void writeJson(List<Result> results, Map<String, List<Result>> byOrigin, int exit) throws IOException {
        JsonGenerator g = Json.generator(out);
        g.writeStartObject();
        g.writeArrayFieldStart("journals");
        for (Result r : results) {
            if (r.outcome() != null || !r.json().isEmpty()) {
                g.writeRawValue(r.json());
            } else {
                g.writeStartObject();
                g.writeArrayFieldStart("failures");
                g.writeEndArray();
                g.writeNullField("verdict");
                g.writeStringField("status", "error");
                g.writeStringField("reason", r.error());
                g.writeNumberField("exit_code", r.exit());
                g.writeStringField("journal", r.display());
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        g.writeObjectFieldStart("total");
        g.writeNumberField("journals", results.size());
        for (String status : List.of("intact", "tampered", "unreadable", "torn_tail", "unsealed", "empty")) {
            g.writeNumberField(status, results.stream().filter(r -> r.outcome() != null
                    && r.outcome().status().label().equals(status)).count());
        }
        g.writeNumberField("stopped", results.stream().filter(r -> r.outcome() == null
                && r.exit() == VouchCli.EXIT_FAILED).count());
        g.writeNumberField("error", results.stream().filter(r -> r.outcome() == null
                && r.exit() == VouchCli.EXIT_USAGE).count());
        g.writeEndObject();
        g.writeArrayFieldStart("duplicate_origins");
        for (Map.Entry<String, List<Result>> e : byOrigin.entrySet()) {
            g.writeStartObject();
            g.writeStringField("origin", e.getKey());
            g.writeArrayFieldStart("journals");
            for (Result r : e.getValue()) {
                g.writeString(r.display());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("exit_code", exit);
        g.writeEndObject();
        g.flush();
        out.println();
        out.flush();
    }
}
