package dev.vouch.cli;

import dev.vouch.internal.JsonProblem;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns I/O exceptions into messages that name the file and say what is wrong with it. */
final class Errors {
    private Errors() {
    }

    /**
     * A JSON parser's complaint without the parser's internals: the problem and its line and column, not Jackson's
     * "[Source: REDACTED (`StreamReadFeature...` disabled)" tail.
     */
    static String jsonProblem(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            com.fasterxml.jackson.core.JsonLocation at = j.getLocation();
            String problem = JsonProblem.plain(j.getOriginalMessage());
            return at == null || at.getLineNr() < 1 ? problem
                    : problem + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return describe(e);
    }

    static String describe(IOException e) {
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            String file = f.getFile();
            String reason = f.getReason();
            if (reason == null) {
                if (e instanceof NoSuchFileException) {
                    reason = "no such file or directory";
                } else if (e instanceof AccessDeniedException) {
                    reason = "permission denied";
                } else if (e instanceof NotDirectoryException) {
                    reason = "not a directory";
                } else {
                    reason = e.getClass().getSimpleName();
                }
            }
            return (file == null ? "" : file + ": ") + reason
                    + (f.getOtherFile() == null ? "" : " (" + f.getOtherFile() + ")");
        }
        String message = e.getMessage();
        return message == null ? e.toString() : message;
    }
}
