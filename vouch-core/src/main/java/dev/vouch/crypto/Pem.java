package dev.vouch.crypto;

import dev.vouch.FormatException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * RFC 7468 PEM, written the way OpenSSL writes it and read strictly: exactly one block, nothing but
 * whitespace around it, no headers, base64 body in canonical form. LF or CRLF line endings are accepted
 * because editors on Windows add CR.
 */
final class Pem {
    /** The Ed25519 algorithm identifier of RFC 8410, {@code id-Ed25519}. */
    static final String ED25519_OID = "1.3.101.112";

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";
    private static final int LINE = 64;

    private static final Map<String, String> ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.2.840.10040.4.1", "DSA",
            "1.2.840.113549.1.3.1", "DH",
            "1.3.101.110", "X25519",
            "1.3.101.111", "X448",
            ED25519_OID, "Ed25519",
            "1.3.101.113", "Ed448");

    /** A decoded PEM block. */
    record Block(String label, byte[] der) {
    }

    private Pem() {
    }

    /** Encodes DER as a PEM block with 64-character lines and a final newline, as OpenSSL does. */
    static String encode(String label, byte[] der) {
        byte[] ascii = encodeAscii(label, der);
        try {
            return new String(ascii, StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(ascii, (byte) 0);
        }
    }

    /**
     * Like {@link #encode} but as ASCII bytes, so a private key can be written to a file without ever
     * becoming a {@code String} (which cannot be wiped). Every temporary array holding key data is zeroed.
     */
    static byte[] encodeAscii(String label, byte[] der) {
        byte[] begin = (BEGIN + label + DASHES + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] end = (END + label + DASHES + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = Base64.getEncoder().encode(der);
        int lines = (body.length + LINE - 1) / LINE;
        byte[] out = new byte[begin.length + body.length + lines + end.length];
        System.arraycopy(begin, 0, out, 0, begin.length);
        int pos = begin.length;
        for (int i = 0; i < body.length; i += LINE) {
            int n = Math.min(LINE, body.length - i);
            System.arraycopy(body, i, out, pos, n);
            pos += n;
            out[pos++] = '\n';
        }
        System.arraycopy(end, 0, out, pos, end.length);
        Arrays.fill(body, (byte) 0);
        return out;
    }

    /**
     * The label of the first "-----BEGIN label-----" line, or null if there is none. Lets callers say what
     * they found (a private key, a certificate) before parsing.
     */
    static String firstLabel(String text) {
        int i = text.indexOf(BEGIN);
        if (i < 0) {
            return null;
        }
        int start = i + BEGIN.length();
        int end = text.indexOf(DASHES, start);
        int eol = text.indexOf('\n', start);
        if (end < 0 || (eol >= 0 && eol < end)) {
            return null;
        }
        return text.substring(start, end);
    }

    /**
     * Decodes the one PEM block in {@code text}.
     *
     * @throws FormatException saying which part of the PEM structure is wrong
     */
    static Block decode(String text) {
        // A byte-order mark, as Windows editors save UTF-8: accepted, as policy files with one are (an outside trial
        // found a public key with one refused while everything else took it). Two, as an editor that adds one to a
        // file it was given with one leaves, are accepted too.
        int from = 0;
        while (from < text.length() && text.charAt(from) == '\ufeff') {
            from++;
        }
        String[] lines = text.substring(from).strip().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].endsWith("\r")) {
                lines[i] = lines[i].substring(0, lines[i].length() - 1);
            }
        }
        if (lines.length == 1 && lines[0].isEmpty()) {
            throw new FormatException("empty input, expected a PEM block (-----BEGIN ...-----)");
        }
        String first = lines[0];
        if (!first.startsWith(BEGIN) || !first.endsWith(DASHES) || first.length() < BEGIN.length() + 6) {
            throw new FormatException("not PEM: the first line is not '-----BEGIN <label>-----' (found "
                    + Encoding.quote(first, 40) + ")");
        }
        String label = first.substring(BEGIN.length(), first.length() - DASHES.length());
        String endLine = END + label + DASHES;
        if (lines.length < 3) {
            throw new FormatException("PEM " + label + " block has no body or no '" + endLine + "' line");
        }
        StringBuilder body = new StringBuilder(text.length());
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith(END)) {
                if (!line.equals(endLine)) {
                    throw new FormatException("PEM line " + (i + 1) + ": expected '" + endLine + "', found "
                            + Encoding.quote(line, 40));
                }
                if (i != lines.length - 1) {
                    throw new FormatException("PEM line " + (i + 2) + ": text after '" + endLine
                            + "' (exactly one PEM block is allowed)");
                }
                if (i == 1) {
                    throw new FormatException("PEM " + label + " block has an empty body");
                }
                byte[] der = Encoding.decodeBase64(body.toString());
                if (der == null) {
                    throw new FormatException("PEM " + label + " body is not valid base64");
                }
                return new Block(label, der);
            }
            if (line.indexOf(':') >= 0) {
                throw new FormatException("PEM line " + (i + 1) + ": headers such as " + Encoding.quote(line, 30)
                        + " are not supported (a legacy encrypted key?)");
            }
            if (line.isEmpty()) {
                throw new FormatException("PEM line " + (i + 1) + ": unexpected empty line inside the block");
            }
            body.append(line);
        }
        throw new FormatException("PEM " + label + " block has no '" + endLine + "' line");
    }

    /** "RSA (OID 1.2.840.113549.1.1.1)", or just the OID if it is not a well-known key algorithm. */
    static String algorithmName(String oid) {
        String name = ALGORITHMS.get(oid);
        return name == null ? "an unknown algorithm (OID " + oid + ")" : name + " (OID " + oid + ")";
    }
}
