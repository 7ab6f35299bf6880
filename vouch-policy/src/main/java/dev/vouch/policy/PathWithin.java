package dev.vouch.policy;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The {@code within} operator: whether a parameter names a file inside a directory, judged on the path's text after
 * {@code .}, {@code ..} and repeated slashes are resolved, as the file system will resolve them. {@code prefix} judged
 * the text as written: an outside red team's {@code /tmp/../etc/passwd} passed {@code prefix: /tmp/}, and a write
 * to {@code .../tmp/../keep/pwn.txt} reached the file system outside the directory the rule allowed. POSIX paths; no
 * file system is consulted, so a symbolic link inside the directory can still lead out of it.
 */
final class PathWithin {
    private PathWithin() {
    }

    /**
     * The absolute path {@code path} with {@code .}, {@code ..} and empty segments resolved, without a trailing
     * slash ({@code /} for the root); null if it is not absolute, holds a NUL, or climbs above the root.
     */
    static String normalize(String path) {
        if (path.isEmpty() || path.charAt(0) != '/' || path.indexOf('\0') >= 0) {
            return null;
        }
        Deque<String> kept = new ArrayDeque<>();
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (kept.isEmpty()) {
                    return null; // above the root: no file system reads it that way on purpose
                }
                kept.removeLast();
            } else {
                kept.addLast(segment);
            }
        }
        return kept.isEmpty() ? "/" : "/" + String.join("/", kept);
    }

    /** Whether {@code path} resolves to {@code directory} (normalized) or to something inside it. */
    static boolean within(String path, String directory) {
        String p = normalize(path);
        if (p == null) {
            return false;
        }
        if (directory.equals("/")) {
            return true;
        }
        return p.equals(directory) || p.startsWith(directory) && p.charAt(directory.length()) == '/';
    }
}
