package dev.vouch;

/**
 * How far an event must have travelled before a write-ahead call returns. See the README's
 * "Three states" section for what survives a JVM crash and an OS crash at each stage.
 */
public enum Durability {
    /**
     * The record's bytes are in the Chronicle journal's memory-mapped file: they survive a crash of the JVM
     * (the kernel still holds the pages) but not of the operating system before the kernel writes them back.
     */
    JOURNALED,
    /**
     * As {@link #JOURNALED}, and a signed checkpoint covering the record is in the journal too: the record
     * can no longer be altered, removed or reordered without the verifier noticing.
     */
    SEALED,
    /**
     * As {@link #SEALED}, and the journal pages holding the record and its checkpoint have been forced to the
     * storage device (msync): the record survives an operating-system crash or power loss too. Costs a disk
     * flush, shared by every event waiting for it at the time.
     */
    SYNCED
}
