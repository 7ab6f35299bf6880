package dev.vouch.crypto;

import dev.vouch.FormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The line layout that {@link TlogProof} and {@link ConsistencyProof} share: a header line, an optional
 * {@code extra <base64>} line, one {@code <keyword> <decimal>} line, zero or more base64 hash lines, an empty line,
 * and a signed checkpoint note, verbatim. Package-private: each format owns its header and keyword.
 */
final class ProofText {
    /** More hashes than a tree of 2^63 leaves can need. */
    static final int MAX_HASHES = 63;

    final byte[] extra;
    final long number;
    final List<byte[]> hashes;
    final String checkpointNote;
    final Checkpoint checkpoint;

    private ProofText(byte[] extra, long number, List<byte[]> hashes, String checkpointNote, Checkpoint checkpoint) {
        this.extra = extra;
        this.number = number;
        this.hashes = hashes;
        this.checkpointNote = checkpointNote;
        this.checkpoint = checkpoint;
    }

    /** Checks the parts and copies them. */
    static ProofText of(String keyword, long number, List<byte[]> hashes, String checkpointNote, byte[] extra) {
        Objects.requireNonNull(hashes, "hashes");
        Objects.requireNonNull(checkpointNote, "checkpointNote");
        if (number < 0) {
            throw new FormatException(keyword + " must not be negative, got " + number);
        }
        if (hashes.size() > MAX_HASHES) {
            throw new FormatException("a proof has at most " + MAX_HASHES + " hashes, got " + hashes.size());
        }
        List<byte[]> copy = new ArrayList<>(hashes.size());
        for (byte[] h : hashes) {
            if (Objects.requireNonNull(h, "hash").length != Checkpoint.ROOT_SIZE) {
                throw new FormatException("a proof hash is " + Checkpoint.ROOT_SIZE + " bytes, got " + h.length);
            }
            copy.add(h.clone());
        }
        return new ProofText(extra == null ? null : extra.clone(), number, List.copyOf(copy), checkpointNote,
                parseCheckpoint(checkpointNote));
    }

    String format(String header, String keyword) {
        StringBuilder b = new StringBuilder(256 + checkpointNote.length()).append(header).append('\n');
        if (extra != null) {
            b.append("extra ").append(Encoding.base64(extra)).append('\n');
        }
        b.append(keyword).append(' ').append(number).append('\n');
        for (byte[] h : hashes) {
            b.append(Encoding.base64(h)).append('\n');
        }
        return b.append('\n').append(checkpointNote).toString();
    }

    /**
     * Parses strictly: the header, an optional extra line, the keyword line with a decimal that has no leading zeros,
     * hash lines in canonical base64 of 32 bytes, an empty line, then a checkpoint note that parses.
     *
     * @param what names the format in errors, e.g. "tlog-proof"
     * @throws FormatException naming the line that is wrong
     */
    static ProofText parse(String text, String header, String keyword, String what) {
        Objects.requireNonNull(text, "text");
        int pos = 0;
        int lineNo = 0;
        byte[] extra = null;
        Long number = null;
        List<byte[]> hashes = new ArrayList<>();
        while (true) {
            int end = text.indexOf('\n', pos);
            lineNo++;
            if (end < 0) {
                throw new FormatException(what + " line " + lineNo + ": the text ends before the empty line and the"
                        + " checkpoint");
            }
            String line = text.substring(pos, end);
            pos = end + 1;
            if (lineNo == 1) {
                if (!line.equals(header)) {
                    throw new FormatException(what + " line 1: expected " + Encoding.quote(header, 60) + ", found "
                            + Encoding.quote(line, 60));
                }
            } else if (number == null && lineNo == 2 && line.startsWith("extra ")) {
                extra = Encoding.decodeBase64(line.substring(6));
                if (extra == null) {
                    throw new FormatException(what + " line 2: the extra data is not canonical standard base64");
                }
            } else if (number == null) {
                if (!line.startsWith(keyword + " ")) {
                    throw new FormatException(what + " line " + lineNo + ": expected \"" + keyword + " <decimal>\","
                            + " found " + Encoding.quote(line, 60));
                }
                number = parseDecimal(line.substring(keyword.length() + 1), what + " line " + lineNo);
            } else if (line.isEmpty()) {
                break;
            } else {
                byte[] h = Encoding.decodeBase64(line);
                if (h == null || h.length != Checkpoint.ROOT_SIZE) {
                    throw new FormatException(what + " line " + lineNo + ": not a hash (canonical standard base64 of "
                            + Checkpoint.ROOT_SIZE + " bytes): " + Encoding.quote(line, 60));
                }
                if (hashes.size() == MAX_HASHES) {
                    throw new FormatException(what + ": more than " + MAX_HASHES + " hash lines");
                }
                hashes.add(h);
            }
        }
        String note = text.substring(pos);
        Checkpoint cp;
        try {
            cp = parseCheckpoint(note);
        } catch (FormatException e) {
            throw new FormatException(what + " line " + (lineNo + 1) + " on: not a signed checkpoint: "
                    + e.getMessage(), e);
        }
        return new ProofText(extra, number, List.copyOf(hashes), note, cp);
    }

    private static Checkpoint parseCheckpoint(String note) {
        return Checkpoint.parse(SignedNote.parse(note).text());
    }

    private static long parseDecimal(String s, String where) {
        if (!s.matches("0|[1-9][0-9]{0,18}")) {
            throw new FormatException(where + ": " + Encoding.quote(s, 30) + " is not a decimal without leading zeros");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new FormatException(where + ": " + s + " is too large", e);
        }
    }

    List<byte[]> hashesCopy() {
        List<byte[]> out = new ArrayList<>(hashes.size());
        for (byte[] h : hashes) {
            out.add(h.clone());
        }
        return out;
    }
}
