package dev.vouch.server;

import dev.vouch.KeyFileException;
import dev.vouch.internal.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may use the gateway: a token file of one line per bearer token, {@code <role> <name> sha256:<hex>}, holding
 * only the SHA-256 of each token, never the token. An {@code agent} token lets its holder submit calls as the agent
 * {@code name} (every record of those calls names it); an {@code operator} token lets its holder approve and refuse
 * stalled calls (recorded as the approver {@code name}), reload the policy and rotate the key.
 *
 * <pre>
 * # role     name         SHA-256 of the token
 * agent      refund-bot   sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * operator   alice        sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752
 * </pre>
 *
 * <p>The file is a secret like the signing key (hashes of short tokens could be guessed): it must be owned by the
 * user running the gateway and not readable by group or others, or loading fails closed. Lines starting with
 * {@code #} and blank lines are ignored; any other malformed line fails the load, naming the line. A presented token
 * is hashed and compared with every entry in constant time. Tokens made by {@link #newToken()} carry 256 random bits.
 * Immutable and thread-safe.
 */
public final class AccessTokens {
    /** What a token allows. */
    public enum Role {
        /** Submits calls and reports results as the agent it names. */
        AGENT,
        /** Approves and refuses stalled calls, reloads the policy, rotates the key. */
        OPERATOR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The holder of a valid token. */
    record Identity(Role role, String name) {
    }

    private record Entry(Identity identity, byte[] hash) {
    }

    private static final String PREFIX = "sha256:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:/+-]{0,255}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Entry> entries;

    private AccessTokens(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * Reads a token file.
     *
     * @throws KeyFileException if the file is missing, unreadable, readable by group or others, owned by another user,
     *     or has a malformed line (named with its number)
     */
    public static AccessTokens load(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            if (SecretFiles.isPosix(file)) {
                SecretFiles.checkPrivate(file, Files.readAttributes(file, PosixFileAttributes.class), "token file");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(file, "token file does not exist; create one with 'vouch token --tokens "
                    + file + " --role agent --name NAME'");
        } catch (java.nio.file.AccessDeniedException e) {
            // An operator's trial: a root-owned 0600 file read by the image's user said only "cannot be read: <path>".
            throw new KeyFileException(file, FileAccess.denied(file, "token file")
                    + ": the user that runs the gateway must own it, mode 0600");
        } catch (IOException e) {
            throw new KeyFileException(file, "token file cannot be read: " + e.getMessage());
        }
        return parse(text, file);
    }

    static AccessTokens parse(String text, Path file) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            String where = "line " + (i + 1) + ": ";
            if (f.length != 3) {
                throw new KeyFileException(file, where + "expected '<role> <name> sha256:<64 hex digits>', found "
                        + f.length + " field(s)");
            }
            Role role;
            try {
                role = Role.valueOf(f[0].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new KeyFileException(file, where + "unknown role \"" + Texts.clip(f[0]) + "\"; expected agent or operator");
            }
            if (!NAME.matcher(f[1]).matches()) {
                throw new KeyFileException(file, where + "the name \"" + Texts.clip(f[1]) + "\" must be 1 to 256 of"
                        + " ASCII letters, digits and . _ @ : / + - (starting with a letter or digit)");
            }
            entries.add(new Entry(new Identity(role, f[1]), parseHash(f[2], file, where)));
        }
        return new AccessTokens(Collections.unmodifiableList(entries));
    }

    private static byte[] parseHash(String s, Path file, String where) {
        if (!s.startsWith(PREFIX) || s.length() != PREFIX.length() + 64) {
            throw new KeyFileException(file, where + "expected the token's hash as sha256:<64 hex digits> (never the"
                    + " token itself); 'vouch token' writes such lines");
        }
        try {
            return HexFormat.of().parseHex(s.substring(PREFIX.length()).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(file, where + "the hash is not 64 hex digits");
        }
    }

    /**
     * Whose token this is, or null: the token's SHA-256 is compared with every entry, each in constant time and
     * without stopping at a match, so the time taken says nothing about which entry (if any) matched.
     */
    Identity identify(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        byte[] h = sha256(token);
        Identity found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(h, e.hash()) & found == null) {
                found = e.identity();
            }
        }
        return found;
    }

    /** The agent names, in file order, each once. */
    Set<String> agents() {
        Set<String> out = new LinkedHashSet<>();
        for (Entry e : entries) {
            if (e.identity().role() == Role.AGENT) {
                out.add(e.identity().name());
            }
        }
        return out;
    }

    /** How many tokens of this role the file holds. */
    int count(Role role) {
        int n = 0;
        for (Entry e : entries) {
            n += e.identity().role() == role ? 1 : 0;
        }
        return n;
    }

    /** A new token: {@code vouch_} and 32 random bytes in URL-safe base64 (256 bits: hashing it is enough). */
    public static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "vouch_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** What the token file holds for {@code token}: {@code sha256:<hex of SHA-256 of its UTF-8 bytes>}. */
    public static String hash(String token) {
        Objects.requireNonNull(token, "token");
        return PREFIX + HexFormat.of().formatHex(sha256(token));
    }

    /** The token file's line for this token. */
    public static String line(Role role, String name, String token) {
        Objects.requireNonNull(role, "role");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("the name \"" + Texts.clip(name) + "\" must be 1 to 256 of ASCII"
                    + " letters, digits and . _ @ : / + - (starting with a letter or digit)");
        }
        return role.label() + " " + name + " " + hash(token);
    }

    /**
     * Adds a token's line to a token file, creating it (mode 0600) if missing; the file is rewritten atomically, so a
     * running gateway never reads half of it. An existing file must pass the same checks as {@link #load}.
     */
    public static void append(Path file, Role role, String name, String token) throws IOException {
        String line = line(role, name, token);
        String before = "";
        if (Files.exists(file)) {
            load(file); // refuses a file that is not private or not well-formed before anything is added to it
            before = Files.readString(file, StandardCharsets.UTF_8);
            if (!before.isEmpty() && !before.endsWith("\n")) {
                before += "\n";
            }
        } else {
            before = "# vouch gateway tokens: <role> <name> sha256:<hex>; the tokens themselves are never stored\n";
        }
        SecretFiles.write(file, (before + line + "\n").getBytes(StandardCharsets.UTF_8), SecretFiles.OWNER_ONLY, true);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
