package dev.vouch.policy;

/** What the journal keeps of a call's parameters: the policy's {@code log_level}. */
public enum PayloadLogging {
    /** The parameters themselves, minus any redacted fields ({@code log_level: full_payload}). */
    FULL_PAYLOAD,
    /** Only the SHA-256 digest of the parameters ({@code log_level: metadata_only}). */
    METADATA_ONLY
}
