package dev.vouch.ledger.internal;

import dev.vouch.ledger.SigningMode;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * What the consumer needs from the builder, already validated.
 *
 * @param signingMode           when to sign
 * @param checkpointMaxEvents   sign at the latest after this many uncovered events
 * @param checkpointMaxDelayNanos sign at the latest this long after the first uncovered record
 * @param keyFile               the signing key file, replaced on rotation
 * @param random                source of new keys
 */
record WriterSettings(
        SigningMode signingMode,
        int checkpointMaxEvents,
        long checkpointMaxDelayNanos,
        Path keyFile,
        SecureRandom random) {
}
