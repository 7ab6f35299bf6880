package dev.vouch.internal;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this JVM read its command line and its working directory's name as they are. The JVM decodes both in the
 * locale's character set ({@code sun.jnu.encoding}). In a C or POSIX locale (no {@code LANG}: many containers, cron
 * jobs and systemd units) that is ASCII, and every other character becomes U+FFFD. An outside trial found the CLI
 * answering about another tool name with exit 0, the gateway signing {@code "b\ufffd\ufffdro"} into a journal's
 * origin for good, and a ledger started from a working directory named {@code ...-é} creating its key and journal in
 * a look-alike sibling named {@code ...-??}: the JDK resolves relative paths against the decoded name. The launchers
 * run the JVM in a UTF-8 locale; these checks refuse, naming the locale, where a JVM is started otherwise.
 */
public final class PlatformNames {
    private static final char REPLACEMENT = '\ufffd';
    private static final String FIX = "run it in a UTF-8 locale, for example with LC_ALL=C.UTF-8 in its environment";

    private PlatformNames() {
    }

    /**
     * What is wrong with the command line or the working directory, or null if nothing: an argument that holds a
     * U+FFFD while the JVM does not read its command line as UTF-8 (it stood for characters the locale cannot hold),
     * or a working directory whose decoded name names another directory or none while an argument names a file in it
     * by a relative path (a re-trial found every command refused, absolute paths too, from a directory whose name is
     * not UTF-8).
     */
    public static String problem(String[] args) {
        Charset names = namesCharset();
        if (!StandardCharsets.UTF_8.equals(names)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i].indexOf(REPLACEMENT) >= 0) {
                    return "argument " + (i + 1) + " (\"" + shown(args[i]) + "\") lost characters: this JVM reads its"
                            + " command line in the locale's character set, " + names.name() + " (" + locale()
                            + "), which cannot hold them; " + FIX;
                }
            }
        }
        String workingDirectory = workingDirectoryProblem();
        if (workingDirectory != null) {
            for (String arg : args) {
                String path = arg.startsWith("--") && arg.indexOf('=') > 0 ? arg.substring(arg.indexOf('=') + 1) : arg;
                if (!path.startsWith("/") && !path.startsWith("-") && existsRelative(path)) {
                    return workingDirectory;
                }
            }
        }
        return null;
    }

    /**
     * Whether {@code path} names a file relative to the real working directory: java.io passes a relative path to
     * the system as it is, where NIO resolves it against the decoded name when that differs from the real one.
     */
    private static boolean existsRelative(String path) {
        return !path.isEmpty() && new java.io.File(path).exists();
    }

    /**
     * Whether the JDK can make a path of the working directory's name at all: on JDK 17 in a C locale a non-ASCII one
     * fails Chronicle's start (an {@code ExceptionInInitializerError} from the JDK's own {@code FilePermission}), even
     * with absolute paths.
     */
    public static boolean workingDirectoryRepresentable() {
        try {
            Path.of(System.getProperty("user.dir", ""));
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /**
     * What is wrong with the working directory's name as this JVM read it, or null if nothing: one that names another
     * directory or none, against which relative paths would resolve.
     */
    public static String workingDirectoryProblem() {
        String dir = System.getProperty("user.dir", "");
        // Not compared with "." through NIO: NIO resolves "." against the decoded name too, and so finds the
        // look-alike directory the same as itself when one exists. A real name holding U+FFFD is not worth that.
        if (dir.indexOf(REPLACEMENT) >= 0) {
            boolean utf8 = StandardCharsets.UTF_8.equals(namesCharset());
            return "the working directory's name, read in the locale's character set " + namesCharset().name() + " ("
                    + locale() + "), is \"" + shown(dir) + "\", which names another directory or none: every relative"
                    + " path would point there; " + (utf8 ? "its name is not UTF-8: give absolute paths"
                    : FIX + ", or give absolute paths") + ", or start it from another directory";
        }
        return null;
    }

    /**
     * Makes {@code System.err}, where the logs go, write UTF-8 whatever the locale: in a C locale the JVM wrote every
     * other character of a log line as {@code ?} (an outside trial's "Waiting for approval of ?deme.iade"), which no
     * log shipper can undo. Call it first in {@code main}, before anything logs.
     */
    public static void standardErrorInUtf8() {
        System.setErr(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), 8192), true,
                StandardCharsets.UTF_8));
    }

    private static Charset namesCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.US_ASCII; // a name Java does not know: not UTF-8 either
        }
    }

    /** The locale variables that are set, for the message: those are what the user changes. */
    private static String locale() {
        List<String> set = new ArrayList<>();
        for (String name : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
            String v = System.getenv(name);
            if (v != null && !v.isEmpty()) {
                set.add(name + "=" + SafeText.safe(v));
            }
        }
        return set.isEmpty() ? "no LC_ALL, LC_CTYPE or LANG set" : String.join(", ", set);
    }

    /** {@code s} with U+FFFD written as {@code \ufffd}, and kept short: it is shown in one line of an error. */
    private static String shown(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return SafeText.safe(cut).replace(String.valueOf(REPLACEMENT), "\\ufffd");
    }
}
