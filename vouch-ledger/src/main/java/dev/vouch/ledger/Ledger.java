package dev.vouch.ledger;

import dev.vouch.Recorder;
import dev.vouch.crypto.VerifyingKey;
import java.nio.file.Path;

/**
 * The Vouch ledger: records events through an LMAX Disruptor ring into a hash-chained, Merkle-tree-backed,
 * Ed25519-signed Chronicle Queue journal. Open one with {@link #builder(Path)}; hand agent code the
 * {@link Recorder} side only, and keep the operator's powers ({@link #rotateKey()}, {@link #checkpoint()}) where
 * the operator is. Thread-safe; one ledger per journal directory.
 *
 * <pre>{@code
 * try (Ledger ledger = Ledger.builder(Path.of("journal")).keyFile(Path.of(".vouch_key")).open()) {
 *     ledger.record(Event.of(EventKind.TOOL_CALL).name("fs.delete").params("{\"path\":\"/tmp/x\"}"));
 * }
 * }</pre>
 */
public interface Ledger extends Recorder {

    /** Starts configuring a ledger whose journal lives in {@code journalDirectory} (created if missing). */
    static LedgerBuilder builder(Path journalDirectory) {
        return new LedgerBuilder(journalDirectory);
    }

    /**
     * Rotates the signing key: a key-rotation record naming the new key is signed by the old key and covered by
     * a checkpoint; later checkpoints are signed by the new key, and the key file is replaced atomically. An
     * operator's power, so it is here and not on {@link Recorder}, which agent code holds.
     *
     * @return the new public key
     * @throws dev.vouch.KeyFileException before anything changes, if the rotation could leave the old key readable
     */
    VerifyingKey rotateKey();

    /**
     * Writes any drops as a gap record and signs a checkpoint over everything recorded so far, then returns.
     *
     * @return the sequence number of the last record covered
     */
    long checkpoint();

    /** The key that signs the next checkpoint. */
    VerifyingKey verifyingKey();

    /** The journal's origin line. */
    String origin();

    /** The journal directory. */
    Path journalDirectory();

    /**
     * Open, failed or closed; when the last checkpoint was signed into the journal and how many events wait for the
     * next: what a readiness probe or a health indicator reports ({@link LedgerStatus#ready()}). Cheap; never
     * throws, even on a failed or closed ledger.
     */
    LedgerStatus status();
}
