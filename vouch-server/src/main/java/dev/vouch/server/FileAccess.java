package dev.vouch.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Why the gateway's user cannot read one of its files, in words: an operator's trial read "AccessDeniedException" for
 * a TLS key owned by root, and "user ?" for the image's user, which has no name.
 */
final class FileAccess {
    private FileAccess() {
    }

    /** "{what} cannot be read by user alice (permission denied; it is owned by root)". */
    static String denied(Path file, String what) {
        return what + " cannot be read by " + self() + " (permission denied" + owner(file) + ")";
    }

    private static String self() {
        String user = System.getProperty("user.name");
        if (user != null && !user.isBlank() && !user.equals("?")) {
            return "user " + user;
        }
        try {
            return "uid " + Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "the gateway's user";
        }
    }

    private static String owner(Path file) {
        try {
            return "; it is owned by " + Files.getOwner(file).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return ""; // a directory on the way that this user cannot enter, say
        }
    }
}
