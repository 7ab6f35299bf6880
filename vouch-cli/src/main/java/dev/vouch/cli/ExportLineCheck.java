package dev.vouch.cli;

import dev.vouch.internal.format.BigEndian;
import dev.vouch.internal.format.RecordDescriptor;
import dev.vouch.verify.RecordBuffer;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a line of {@code vouch export} handed to a third party says what its {@code record_b64} says. A proof
 * checks only the record's bytes, while a reader looks at the readable members: an outside auditor changed a
 * refund's amount in a line's {@code params}, and {@code check-proof} verified the record and printed nothing about
 * the line. The line is compared, as JSON values, with the record rendered again (so a line reformatted by {@code jq}
 * still matches). The derived {@code outcome} member is compared where the later records it comes from are at hand
 * (a whole export's or an evidence bundle's), not for a line checked with its proof alone: a proof does not cover
 * them. The one check of a line against its record, for {@code check-proof}, {@code vouch verify} of an export and
 * the bundle check alike.
 */
final class ExportLineCheck {
    /** The member every export line has and other JSON holding a {@code record_b64} (a prove result) does not. */
    private static final String EXPORT_LINE_MEMBER = "type_code";
    private static final String DERIVED = "outcome";
    /** Members in the exporter's own words: a verifier in another language holds a line only to a non-empty string. */
    private static final Set<String> WORDED = Set.of("malformed", "note_error");
    private static final String TIMESTAMP = "timestamp";
    private static final Pattern ISO_INSTANT =
            Pattern.compile("([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\\.([0-9]{1,9}))?Z");
    /**
     * Lines whose readable members differ from their record named at the most; the rest are counted in one more
     * failure (docs/FORMAT.md, "Export format"; verify-journal.py does the same): one line removed from an export
     * makes every later line's index wrong, and a failure for each would bury those of the records themselves.
     */
    private static final int MAX_NAMED_LINES = 10;

    private ExportLineCheck() {
    }

    /**
     * The names of the members of {@code line} that differ from the record's own rendering at journal position
     * {@code index}: changed, added or removed (unless the record's value is null or empty), for an export line;
     * only changed, for other JSON objects (such as
     * what {@code vouch prove --format json} prints), whose other members are not the record's. Empty if none. The
     * derived {@code outcome} is not compared.
     */
    static List<String> misleadingMembers(String line, byte[] record, long index) throws IOException {
        return misleadingMembers(line, record, record.length, index, null, false);
    }

    /**
     * As {@link #misleadingMembers(String, byte[], long)}, with the record in {@code record[0, length)}; with
     * {@code outcomes} (from the same records as the line's), a call's derived {@code outcome} is compared too;
     * {@code fromExport}: the line is one of a bundle or of a {@code vouch export}, so an export line whatever members
     * it has.
     */
    static List<String> misleadingMembers(String line, byte[] record, int length, long index, CallOutcomes outcomes,
            boolean fromExport) throws IOException {
        if (!(JsonTree.parse(line) instanceof Map<?, ?> given)) {
            return List.of();
        }
        Map<?, ?> said = (Map<?, ?>) JsonTree.parse(rendered(record, length, index, new RecordJson(outcomes)));
        // A line of an export or bundle is an export line whatever it holds: an outside auditor removed type_code
        // and the check of members added or removed was off, in this check and in verify-journal.py.
        boolean exportLine = fromExport || given.containsKey(EXPORT_LINE_MEMBER);
        Set<Object> names = new LinkedHashSet<>(given.keySet());
        if (exportLine) {
            names.addAll(said.keySet());
        }
        // The derived outcome, where it is not compared, only on a tool call, the one record that has it.
        boolean outcomeExempt = outcomes == null && "tool_call".equals(said.get("type"));
        List<String> differing = new ArrayList<>();
        for (Object name : names) {
            if (name.equals(DERIVED) && (outcomeExempt || !given.containsKey(name))
                    || !exportLine && !said.containsKey(name)) {
                // An absent outcome claims nothing: 0.1.0's exports predate the member.
                continue;
            }
            if (!given.containsKey(name) && said.containsKey(name) && emptyValue(said.get(name))) {
                // An absent member says what a null or empty one says: exports written before a member was added (an
                // outside trial's 0.1.0 exports lack tool_call_id, trace_id, span_id, principal and a format 1.0
                // checkpoint's resume_* members) mislead no reader where the record has nothing there.
                continue;
            }
            if (given.containsKey(name) != said.containsKey(name) || !sameMember(name, given.get(name), said.get(name))) {
                differing.add((String) name);
            }
        }
        return differing;
    }

    /**
     * Whether a line's member says what the record's rendering does: numbers by their exact value (4, 4.0 and 4e0 are
     * one number, as a reader of JSON takes them; an outside verifier in JavaScript asked), the ISO-8601
     * {@code timestamp} by the instant it names (0 to 9 fraction digits, EXPORT.md), and the exporter's own words
     * ({@code malformed}, {@code note_error}) as any non-empty string, as FORMAT.md promises a verifier in another
     * language; anything else as an equal JSON value.
     */
    static boolean sameMember(Object name, Object given, Object said) {
        if (WORDED.contains(name) && said instanceof String words && !words.isEmpty()) {
            return given instanceof String g && !g.isEmpty();
        }
        if (TIMESTAMP.equals(name) && said instanceof String instant) {
            return given instanceof String g && (instant.equals(g) || instant.equals(canonicalInstant(g)));
        }
        return sameValue(given, said);
    }

    private static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return decimal(x).compareTo(decimal(y)) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!sameValue(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!sameValue(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof BigDecimal d ? d
                : n instanceof BigInteger i ? new BigDecimal(i) : BigDecimal.valueOf(n.longValue());
    }

    /**
     * {@code text} as {@code Instant.toString} writes the instant it names (fraction in groups of three digits, none
     * if zero), or null if it is not ISO-8601 in UTC with 0 to 9 fraction digits.
     */
    static String canonicalInstant(String text) {
        Matcher m = ISO_INSTANT.matcher(text);
        if (!m.matches()) {
            return null;
        }
        String nine = ((m.group(2) == null ? "" : m.group(2)) + "000000000").substring(0, 9);
        if (nine.equals("000000000")) {
            return m.group(1) + "Z";
        }
        int digits = nine.endsWith("000000") ? 3 : nine.endsWith("000") ? 6 : 9;
        return m.group(1) + "." + nine.substring(0, digits) + "Z";
    }

    private static boolean emptyValue(Object value) {
        return value == null || "".equals(value);
    }

    /**
     * Every line of an export that does not say what its {@code record_b64} says, as messages ("line 4 (record seq 3)
     * does not say ..."): the first ten, then one that counts the rest (docs/FORMAT.md, "Export format"). A call's
     * derived {@code outcome}, where a line has it, must be what the lines' own records say, as the exporter derives
     * it: a blocked call's line given {@code "outcome":"result"} verified INTACT in an outside re-trial. For a bundle
     * ({@code bundle}), a line must be the exporter's own text; for an export file, as for
     * {@code tools/verify-journal.py}, members are compared as JSON values (a line reformatted by jq still matches).
     * Two passes over {@code lines}: the first derives the outcomes.
     *
     * @throws CliException for a line that is no export line (the verification stops there too)
     */
    static List<Misleading> misleadingLines(IoSupplier<ExportLines> lines, boolean bundle) throws IOException {
        CallOutcomes outcomes;
        boolean whole;
        try (ExportLines first = lines.get()) {
            outcomes = CallOutcomes.of(first, Long.MAX_VALUE);
            // A bundle's lines, and those of an export with any whole export line (type_code), must each be one: an
            // outside auditor removed type_code from one line and the check of members added or removed was off for
            // it. An export of record_b64 alone (and members of its maker's own, FORMAT.md) is checked for the
            // members it has.
            whole = bundle || first.sawWholeLine();
        }
        RecordJson json = new RecordJson(outcomes);
        RecordBuffer buffer = new RecordBuffer(4096);
        List<Misleading> found = new ArrayList<>();
        long differing = 0;
        try (ExportLines second = lines.get()) {
            for (long i = 0; second.next(buffer); i++) {
                // The exporter's own text is the fast path; a line that differs is compared member by member.
                if (rendered(buffer.data(), buffer.length(), i, json).equals(second.lastLine())) {
                    continue;
                }
                String what = whatDiffers(second, buffer, i, outcomes, bundle, whole);
                if (what != null && ++differing <= MAX_NAMED_LINES) {
                    // The sequence number the line's own record holds, as verify-journal.py names it: an outside
                    // trial swapped two lines, and this named each by its position ("record 2" on the line holding
                    // record 3), the Python verifier by the next sequence number it expected.
                    long seq = sequenceIn(buffer.data(), buffer.length());
                    found.add(new Misleading(seq, "line " + second.lineNumber() + " (" + (seq >= 0 ? "record seq " + seq
                            : "its record holds no sequence number below 2^63") + ") does not say what its record_b64"
                            + " says: " + what + " (only record_b64 is verified, so a reader of the line would be"
                            + " misled)"));
                }
            }
        }
        if (differing > MAX_NAMED_LINES) {
            found.add(new Misleading(-1, (differing - MAX_NAMED_LINES)
                    + " more line(s) that do not say what their record_b64 says"));
        }
        return found;
    }

    /**
     * The sequence field of the record {@code data[0, length)}, whether or not the record decodes (a malformed
     * record's line names it too, docs/EXPORT.md); -1 if the record is too short to hold one or it is 2^63 or more.
     */
    static long sequenceIn(byte[] data, int length) {
        return length < RecordDescriptor.SEQUENCE_OFFSET + 8 ? -1
                : Math.max(-1, BigEndian.getLong(data, RecordDescriptor.SEQUENCE_OFFSET));
    }

    /**
     * A line that misleads: the sequence number its record holds ({@link #sequenceIn}; -1 for none, and for the count
     * of the lines past the tenth), and what differs.
     */
    record Misleading(long seq, String message) {
    }

    /** A source of export lines opened again for each pass. */
    @FunctionalInterface
    interface IoSupplier<T> {
        T get() throws IOException;
    }

    /**
     * Which members of an export line that is not the exporter's text differ from its record; null if none does and
     * only the layout differs, unless it is a {@code bundle}'s line (a bundle's lines are the exporter's).
     */
    private static String whatDiffers(ExportLines lines, RecordBuffer record, long index, CallOutcomes outcomes,
            boolean bundle, boolean whole) {
        List<String> members;
        try {
            members = misleadingMembers(lines.lastLine(), record.data(), record.length(), index, outcomes, whole);
        } catch (IOException e) {
            // A member twice, text after the object: the line's readers disagree on what it says. In a bundle that is
            // a finding against the bundle; an export with such a line is unreadable (FORMAT.md, "Export format"), an
            // input error as for verify-journal.py.
            if (!bundle) {
                throw new CliException(lines.position() + ": not one JSON object whose members each occur once: "
                        + Errors.jsonProblem(e), e);
            }
            return Errors.jsonProblem(e);
        }
        if (members.isEmpty()) {
            return bundle ? "it is not laid out as the exporter writes it" : null;
        }
        return Text.safe(String.join(", ", members)) + (members.size() == 1 ? " differs" : " differ");
    }

    /** The export line the exporter writes for this record, without its line end. */
    static String rendered(byte[] record, int length, long index, RecordJson json) throws IOException {
        StringWriter rendered = new StringWriter();
        try (var g = Json.generator(rendered)) {
            json.write(g, index, record, length);
        }
        return rendered.toString();
    }
}
