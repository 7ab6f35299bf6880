package dev.vouch.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.internal.format.BigEndian;
import dev.vouch.internal.format.RecordDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StripedReadAheadTest {

    /** A helper's reader over stripes of consecutive sequence numbers, given as {first, count} pairs. */
    private static final class Stripes implements StripeReader {
        private final long[][] stripes;
        private int stripe = -1;
        private long next;
        private long left;

        Stripes(long[]... stripes) {
            this.stripes = stripes;
        }

        @Override
        public boolean nextStripe() {
            if (++stripe >= stripes.length) {
                return false;
            }
            next = stripes[stripe][0];
            left = stripes[stripe][1];
            return true;
        }

        @Override
        public boolean nextInStripe(RecordBuffer into) {
            if (left == 0) {
                return false;
            }
            byte[] b = into.ensureCapacity(RecordDescriptor.HEADER_LENGTH);
            java.util.Arrays.fill(b, 0, RecordDescriptor.HEADER_LENGTH, (byte) 0);
            BigEndian.putLong(b, RecordDescriptor.SEQUENCE_OFFSET, next++);
            into.length(RecordDescriptor.HEADER_LENGTH);
            left--;
            return true;
        }

        @Override
        public long positionToken() {
            return next - 1;
        }

        @Override
        public long stripe() {
            return 2L * stripe + 1; // the helper's turns, between the verifying thread's
        }

        @Override
        public void close() {
        }
    }

    @Test
    void onlyTheFirstAndLastChunksOfAStripeAreShort() throws Exception {
        // Stripes that begin off a chunk boundary, one shorter than a chunk, one exactly on boundaries.
        long[][] stripes = {{5, 700}, {1000, 5}, {2048, 256}, {3001, 130}};
        List<Long> sequences = new ArrayList<>();
        int shortChunks = 0;
        try (StripedReadAhead readAhead = new StripedReadAhead(new StripeReader[] {null, new Stripes(stripes)})) {
            while (true) {
                ReadAhead.Batch b = readAhead.next(1);
                for (int c = 0; c < b.chunks(); c++) {
                    int start = b.chunkStart(c);
                    int length = b.chunkEnd(c) - start;
                    if (length < ReadAhead.CHUNK) {
                        shortChunks++;
                    } else {
                        long first = BigEndian.getLong(b.records[start].data(), RecordDescriptor.SEQUENCE_OFFSET);
                        assertEquals(0, first % ReadAhead.CHUNK, "a whole chunk begins on a boundary: " + first);
                    }
                }
                for (int i = 0; i < b.count; i++) {
                    sequences.add(BigEndian.getLong(b.records[i].data(), RecordDescriptor.SEQUENCE_OFFSET));
                }
                boolean last = b.last;
                readAhead.release(1, b);
                if (last) {
                    break;
                }
            }
        }
        List<Long> expected = new ArrayList<>();
        for (long[] s : stripes) {
            for (long q = s[0]; q < s[0] + s[1]; q++) {
                expected.add(q);
            }
        }
        assertEquals(expected, sequences, "every record, once, in order");
        // 5..704: short at both ends; 1000..1004: one short chunk; 2048..2303: none; 3001..3130: both ends.
        assertEquals(5, shortChunks, "short chunks only at the ends of stripes");
        assertTrue(sequences.size() > ReadAhead.RECORDS_PER_BATCH * 4);
    }
}
