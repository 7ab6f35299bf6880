package dev.vouch.ledger;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.ledger.internal.ShortStripes;
import dev.vouch.ledger.internal.StorageRecordSource;
import dev.vouch.verify.Failure;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.VerifierModes;
import dev.vouch.verify.VerificationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Test helpers for reading journals back. */
final class Journals {
    private Journals() {
    }

    static VerificationReport verify(Path dir, VerifyingKey anchor) {
        return verify(dir, JournalVerifier.trusting(anchor));
    }

    static VerificationReport verify(Path dir, VerifyingKey anchor, String savedCheckpointNote) {
        return verify(dir, JournalVerifier.trusting(anchor).extending(savedCheckpointNote));
    }

    /**
     * Verifies on the calling thread, and again with reading and hashing ahead on 2 and 3 threads, on 2 threads
     * with every chunk left to the helper (so that every record takes the path of a helper's chunk, whatever the
     * timing), and on 2 and 3 threads reading by stripes of one document each (so that small journals are handed
     * between readers at every document): every test that verifies a journal (intact, tampered, damaged) thereby also checks that the parallel
     * verifier reaches the same report, failures and their positions included.
     */
    static VerificationReport verify(Path dir, JournalVerifier verifier) {
        VerificationReport single = verifyOnce(dir, verifier);
        compare(single, verifyOnce(dir, verifier.threads(2)), "2 threads");
        compare(single, verifyOnce(dir, verifier.threads(3)), "3 threads");
        compare(single, verifyOnce(dir, VerifierModes.helpersHashEverything(verifier.threads(2))),
                "2 threads, the helper hashing every chunk");
        compare(single, verifyShortStripes(dir, verifier.threads(2)), "2 threads, a stripe per document");
        compare(single, verifyShortStripes(dir, verifier.threads(3)), "3 threads, a stripe per document");
        return single;
    }

    /** Verifies with the journal read by stripes of one data document each ({@link ShortStripes}). */
    static VerificationReport verifyShortStripes(Path dir, JournalVerifier verifier) {
        try (ShortStripes source = ShortStripes.open(dir, 1)) {
            return verifier.verify(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void compare(VerificationReport single, VerificationReport parallel, String how) {
        if (!comparable(single).equals(comparable(parallel))) {
            throw new AssertionError("verification on " + how + " differs:\n  one thread: " + comparable(single)
                    + "\n  " + how + ": " + comparable(parallel));
        }
    }

    static VerificationReport verifyOnce(Path dir, JournalVerifier verifier) {
        try (StorageRecordSource source = StorageRecordSource.open(dir)) {
            return verifier.verify(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything in a report, the resume point by its sequence, tree root and last leaf hash, as text. */
    private static String comparable(VerificationReport r) {
        return r.verdict() + "|" + r.verdictReason() + "|" + r.records() + "|" + r.events() + "|" + r.checkpoints()
                + "|" + r.keys() + "|" + r.gaps() + "|" + r.droppedTotal() + "|" + r.recoveries() + "|"
                + r.firstTimestamp() + "|" + r.lastTimestamp() + "|" + r.origin() + "|" + r.lastCheckpointNote() + "|"
                + r.uncoveredRecords() + "|" + r.sealed() + "|" + r.savedCheckpointMatched() + "|" + r.failures() + "|"
                + r.failureCount() + "|" + r.storageDamage() + "|"
                + (r.resumePoint() == null ? "none" : r.resumePoint().nextSequence() + "|"
                        + java.util.HexFormat.of().formatHex(r.resumePoint().tree().root()) + "|"
                        + java.util.HexFormat.of().formatHex(r.resumePoint().lastLeafHash()));
    }

    /** The report in a form that explains a failed assertion. */
    static String describe(VerificationReport r) {
        return r.verdict() + " (" + r.verdictReason() + ") records=" + r.records() + " failures=" + r.failures();
    }

    static Failure first(VerificationReport r) {
        List<Failure> f = r.failures();
        if (f.isEmpty()) {
            throw new AssertionError("expected failures but found none: " + describe(r));
        }
        return f.get(0);
    }

    /**
     * Writes a sealed journal of {@code events} tool calls (params {@code {"i":n}}) with a checkpoint at least every
     * {@code checkpointMaxEvents} events; returns its first public key, the trust anchor.
     */
    static VerifyingKey writeSealed(Path dir, Path keyFile, int checkpointMaxEvents, int events) {
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).checkpointMaxEvents(checkpointMaxEvents)
                .shutdownHook(false).open()) {
            dev.vouch.Event e = new dev.vouch.Event();
            for (int i = 0; i < events; i++) {
                ledger.record(e.reset().kind(dev.vouch.EventKind.TOOL_CALL).name("test").params("{\"i\":" + i + "}"));
            }
            return ledger.verifyingKey();
        }
    }
}
