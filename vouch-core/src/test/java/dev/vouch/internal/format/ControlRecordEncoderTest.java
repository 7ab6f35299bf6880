package dev.vouch.internal.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.merkle.CompactRange;
import dev.vouch.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every control record type written by {@link ControlRecordEncoder} reads back through {@link RecordView}, field by field. */
class ControlRecordEncoderTest {
    private static final byte[] PREV = new byte[32];
    private static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(PREV, (byte) 7);
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) i;
        }
    }

    private final Set<RecordType> covered = EnumSet.noneOf(RecordType.class);

    private RecordView read(RecordBuilder b, RecordType type, long seq) {
        byte[] record = Arrays.copyOf(b.buffer(), b.finish());
        RecordView v = new RecordView().wrap(record, record.length);
        assertEquals(type, v.type());
        assertEquals(seq, v.sequence());
        assertEquals(1234L, v.timestamp());
        assertArrayEquals(PREV, v.prev());
        assertEquals(RecordDescriptor.MINOR_VERSION, v.minorVersion());
        covered.add(type);
        return v;
    }

    @Test
    void shouldReadBackEveryControlRecordTypeFieldByField() {
        RecordBuilder b = new RecordBuilder(64);

        RecordView genesis = read(ControlRecordEncoder.genesis(b, 0, 1234, PREV, "example.com/x", KEY, "vouch-java/test",
                "a=1\nb=2\n"), RecordType.GENESIS, 0);
        assertEquals("example.com/x", genesis.origin());
        assertArrayEquals(KEY, genesis.publicKey());
        assertEquals("vouch-java/test", genesis.libraryVersion());
        assertEquals("a=1\nb=2\n", genesis.settings());

        CompactRange tree = new CompactRange();
        for (int i = 0; i < 6; i++) {
            tree.append(Rfc6962.leafHash(new byte[] {(byte) i}), 0);
        }
        byte[] note = "example.com/x\n6\nroot\n\n\u2014 example.com/x sig\n".getBytes(StandardCharsets.UTF_8);
        RecordView cp = read(ControlRecordEncoder.checkpoint(b, 6, 1234, PREV, note, note.length, 4, 2, 3, KEY, tree),
                RecordType.CHECKPOINT, 6);
        assertEquals(new String(note, StandardCharsets.UTF_8), cp.note());
        assertTrue(cp.hasCheckpointState());
        assertEquals(4, cp.stateEvents());
        assertEquals(2, cp.stateDroppedTotal());
        assertEquals(3, cp.stateLastGapOrStart());
        assertArrayEquals(KEY, cp.stateNextKey());
        assertEquals(2, cp.stateRangeCount(), "6 = 0b110: two perfect subtrees");
        assertTrue(tree.hashesEqual(cp.buffer(), cp.stateRangeOffset(), cp.stateRangeCount()));

        RecordView rotation = read(ControlRecordEncoder.keyRotation(b, 7, 1234, PREV, KEY, "statement\n\n\u2014 sig\n"),
                RecordType.KEY_ROTATION, 7);
        assertArrayEquals(KEY, rotation.publicKey());
        assertEquals("statement\n\n\u2014 sig\n", rotation.note());

        RecordView seal = read(ControlRecordEncoder.seal(b, 8, 1234, PREV, 40, 5), RecordType.SEAL, 8);
        assertEquals(40, seal.sealedEvents());
        assertEquals(5, seal.droppedTotal());

        RecordView recovery = read(ControlRecordEncoder.recovery(b, 9, 1234, PREV, -1, 9, "crashed"),
                RecordType.RECOVERY, 9);
        assertEquals(-1, recovery.recoveryLastCheckpoint());
        assertEquals(9, recovery.recoveryUncovered());
        assertEquals("crashed", recovery.reason());

        RecordView gap = read(ControlRecordEncoder.gap(b, 10, 1234, PREV, 3, 8, 2), RecordType.GAP, 10);
        assertEquals(3, gap.gapDropped());
        assertEquals(8, gap.droppedTotal());
        assertEquals(2, gap.gapAfter());

        RecordView resume = read(ControlRecordEncoder.resume(b, 11, 1234, PREV, "vouch-java/next", "c=3\n"),
                RecordType.RESUME, 11);
        assertEquals("vouch-java/next", resume.libraryVersion());
        assertEquals("c=3\n", resume.settings());

        Set<RecordType> control = EnumSet.noneOf(RecordType.class);
        for (RecordType t : RecordType.values()) {
            if (!t.isEvent()) {
                control.add(t);
            }
        }
        assertEquals(control, covered, "a round trip for every control record type");
    }
}
