package dev.vouch.ledger;

import dev.vouch.Event;
import dev.vouch.crypto.Checkpoint;
import dev.vouch.crypto.SignedNote;
import dev.vouch.crypto.SigningKey;
import dev.vouch.internal.format.BigEndian;
import dev.vouch.internal.format.EventEncoder;
import dev.vouch.internal.format.RecordBuilder;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.merkle.CompactRange;
import dev.vouch.merkle.Rfc6962;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What an attacker who can rewrite the journal files does to records: renumber them, recompute every prev
 * link, and re-sign checkpoints over the recomputed Merkle tree with whatever key they hold. Built only on
 * the public format and crypto API, independently of the ledger's writer.
 */
final class Forger {
    private Forger() {
    }

    static RecordView view(byte[] record) {
        return new RecordView().wrap(record, record.length);
    }

    static RecordType type(byte[] record) {
        return view(record).type();
    }

    static long sequence(byte[] record) {
        return BigEndian.getLong(record, RecordDescriptor.SEQUENCE_OFFSET);
    }

    static String origin(List<byte[]> records) {
        return view(records.get(0)).origin();
    }

    /** Indexes of the records of {@code type}. */
    static List<Integer> indexesOf(List<byte[]> records, RecordType type) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (type(records.get(i)) == type) {
                out.add(i);
            }
        }
        return out;
    }

    static List<byte[]> copy(List<byte[]> records) {
        List<byte[]> out = new ArrayList<>(records.size());
        for (byte[] r : records) {
            out.add(r.clone());
        }
        return out;
    }

    /**
     * Renumbers every record to its position, recomputes every prev link, and for each checkpoint at index
     * {@code i} re-signs it over the recomputed tree with {@code signerAt.apply(i)}, or leaves its note as it
     * is where that returns null.
     */
    static List<byte[]> rebuild(List<byte[]> records, IntFunction<SigningKey> signerAt) {
        String origin = origin(records);
        List<byte[]> out = new ArrayList<>(records.size());
        byte[] prev = new byte[RecordDescriptor.HASH_LENGTH];
        CompactRange tree = new CompactRange();
        long events = 0;
        long dropped = 0;
        long lastGapOrStart = 0;
        for (int i = 0; i < records.size(); i++) {
            byte[] r = records.get(i).clone();
            BigEndian.putLong(r, RecordDescriptor.SEQUENCE_OFFSET, i);
            System.arraycopy(prev, 0, r, RecordDescriptor.PREV_OFFSET, prev.length);
            RecordType type = type(r);
            if (type == RecordType.CHECKPOINT) {
                SigningKey key = signerAt.apply(i);
                RecordView v = view(r);
                // A thorough forger writes the format 1.1 resume state as the ledger would, for the new tree.
                byte[] nextKey = key != null ? key.verifyingKey().bytes()
                        : v.hasCheckpointState() ? v.stateNextKey() : null;
                boolean format10 = r[RecordDescriptor.MINOR_OFFSET] == 0; // keeps a 1.0 checkpoint a 1.0 one
                byte[] state = nextKey == null || format10 ? null : state(events, dropped, lastGapOrStart, nextKey, tree);
                r = checkpointRecord(i, timestamp(r), prev,
                        key != null ? checkpointNote(origin, i, tree.root(), key) : v.note(), state);
            } else if (type == RecordType.GAP) {
                dropped = view(r).droppedTotal();
                lastGapOrStart = i;
            } else if (type == RecordType.RESUME || type == RecordType.GENESIS) {
                lastGapOrStart = i;
            } else if (type.isEvent()) {
                events++;
            }
            byte[] leaf = Rfc6962.leafHash(r);
            tree.append(leaf, 0);
            prev = leaf;
            out.add(r);
        }
        return out;
    }

    /** A CHECKPOINT body's format 1.1 resume state, as the ledger writes it after the note. */
    static byte[] state(long events, long dropped, long lastGapOrStart, byte[] nextKey, CompactRange tree) {
        RecordBuilder b = new RecordBuilder(512);
        b.begin(RecordType.CHECKPOINT, 0, 0, new byte[RecordDescriptor.HASH_LENGTH])
                .u64(events).u64(dropped).u64(lastGapOrStart).raw(nextKey, 0, RecordDescriptor.PUBLIC_KEY_LENGTH)
                .range(tree);
        return Arrays.copyOfRange(b.buffer(), RecordDescriptor.HEADER_LENGTH, b.finish());
    }

    static long timestamp(byte[] record) {
        return BigEndian.getLong(record, RecordDescriptor.TIMESTAMP_OFFSET);
    }

    /** A C2SP signed checkpoint note, as the ledger writes it. */
    static String checkpointNote(String origin, long size, byte[] root, SigningKey key) {
        return SignedNote.sign(Checkpoint.of(origin, size, root, List.of()).body(), origin, key);
    }

    static byte[] checkpointRecord(long seq, long timestamp, byte[] prev, String note, byte[] state) {
        RecordBuilder b = new RecordBuilder(512);
        b.begin(RecordType.CHECKPOINT, seq, timestamp, prev).bytes32(note);
        if (state != null) {
            b.raw(state, 0, state.length);
        } else {
            b.buffer()[RecordDescriptor.MINOR_OFFSET] = 0; // a format 1.0 checkpoint: no resume state
        }
        return Arrays.copyOf(b.buffer(), b.finish());
    }

    /** The same checkpoint record with its note replaced (its resume state, if any, kept). */
    static byte[] withNote(byte[] checkpoint, String note) {
        RecordView v = view(checkpoint);
        byte[] state = null;
        if (v.hasCheckpointState()) {
            int from = RecordDescriptor.HEADER_LENGTH + 4 + v.note().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            state = Arrays.copyOfRange(checkpoint, from, checkpoint.length);
        }
        return checkpointRecord(sequence(checkpoint), timestamp(checkpoint), v.prev(), note, state);
    }

    /** A well-formed event record at {@code seq} whose prev link is the leaf hash of {@code previous}. */
    static byte[] eventRecord(Event event, long seq, byte[] previous) {
        byte[] buf = new byte[(int) EventEncoder.encodedLength(event)];
        int n = EventEncoder.encode(event, timestamp(previous) + 1, buf);
        EventEncoder.stamp(buf, seq, Rfc6962.leafHash(previous));
        return Arrays.copyOf(buf, n);
    }

    /** The genesis record with its public key replaced. */
    static byte[] genesisWithKey(byte[] genesis, byte[] publicKey) {
        RecordView v = view(genesis);
        RecordBuilder b = new RecordBuilder(1024);
        b.begin(RecordType.GENESIS, 0, v.timestamp(), new byte[RecordDescriptor.HASH_LENGTH])
                .str16(v.origin())
                .raw(publicKey, 0, RecordDescriptor.PUBLIC_KEY_LENGTH)
                .str16(v.libraryVersion())
                .bytes32(v.settings());
        return Arrays.copyOf(b.buffer(), b.finish());
    }

    /** Index of the first occurrence of {@code needle} in {@code hay} at or after {@code from}, or -1. */
    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(from, 0); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
