package dev.vouch.ledger.internal;

import dev.vouch.ledger.BackpressureMode;
import dev.vouch.ledger.SigningMode;
import dev.vouch.ledger.WaitMode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * Everything {@code LedgerBuilder} collected, already validated: the one value that crosses from the public
 * builder into the implementation, and the one settings type inside it (the opener and the chain stage read it).
 *
 * @param journal                the journal directory
 * @param freshJournalIfCorrupt  where to start over if the journal fails verification, or null
 * @param keyFile                the signing key file
 * @param origin                 the origin line for a new journal, or null for the default
 * @param meterRegistry          a Micrometer {@code MeterRegistry}, or null (typed Object so Micrometer may be absent)
 * @param settingsText           the settings an auditor needs, as written into genesis and resume records
 * @param consumerThreads        1: both stages on one thread ({@link InlineStages}); 2: one thread each
 * @param random                 source of new keys and of a new journal's origin
 */
public record LedgerConfig(
        Path journal,
        Path freshJournalIfCorrupt,
        Path keyFile,
        String origin,
        Object meterRegistry,
        int ringSize,
        int slotCapacity,
        int maxEventSize,
        BackpressureMode backpressure,
        SigningMode signingMode,
        int checkpointMaxEvents,
        Duration checkpointMaxDelay,
        WaitMode waitMode,
        int consumerThreads,
        boolean shutdownHook,
        boolean fullVerificationOnOpen,
        SecureRandom random,
        String settingsText) {
}
