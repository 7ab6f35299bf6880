package dev.vouch.cli;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An {@code --output} file, written atomically: into a temporary file beside it (readable by its owner only,
 * since exports hold payloads), then renamed over the target by {@link #commit()}. A command that fails leaves
 * no partial file. Refuses a target inside the journal directory, which the audit commands never write to.
 */
final class OutputFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream stream;
    private final Writer writer;
    /**
     * Deletes the temporary file when the JVM is stopped (Ctrl-C, SIGTERM) before the file was committed: an outside
     * auditor's interrupted export of a 5.6 M-record journal left a hidden 673 MB {@code .FILE.N.tmp} behind.
     */
    private final Thread onStop;
    private volatile boolean committed;

    private OutputFile(Path target, Path temp, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.stream = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        this.writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        this.onStop = new Thread(this::deleteUnlessCommitted, "vouch-output-cleanup");
        try {
            Runtime.getRuntime().addShutdownHook(onStop);
        } catch (IllegalStateException stopping) {
            // The JVM is already stopping: close() deletes the file if the command gets that far.
        }
    }

    private void deleteUnlessCommitted() {
        if (!committed) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // Best effort: the temporary file's name says what it is.
            }
        }
    }

    static OutputFile create(Path target, Path journal) {
        if (Files.isSymbolicLink(target)) {
            // Written where the link points, which stays a link (a re-trial's -o link replaced the link with a file).
            try {
                target = target.toRealPath();
            } catch (IOException e) {
                throw new CliException(target + ": a symbolic link to nothing (" + Errors.describe(e) + "); give the"
                        + " file's own path");
            }
        }
        if (Inputs.isInside(target, journal)) {
            throw new CliException(target + ": refusing to write inside the journal directory " + journal
                    + " (auditing never changes the journal); choose another --output");
        }
        if (Files.isDirectory(target)) {
            throw new CliException(target + ": is a directory; --output takes a file name");
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            // An outside trial ran `vouch export -o /dev/full` as root: the rename put a regular file in the device's place.
            throw new CliException(target + ": not a regular file (a device, pipe or socket); --output renames a"
                    + " finished file into place, which would replace it: write to it with '> " + target + "' instead");
        }
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        try {
            Path temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            return new OutputFile(abs, temp, FileChannel.open(temp, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new CliException("cannot create the output file " + target + ": " + Errors.describe(e), e);
        }
    }

    /** The file as text, UTF-8. Use either this or {@link #stream()}, not both. */
    Writer writer() {
        return writer;
    }

    /** The file as bytes. Use either this or {@link #writer()}, not both. */
    OutputStream stream() {
        return stream;
    }

    /** Flushes, forces the content to disk and renames the file into place. */
    void commit() {
        try {
            writer.flush();
            stream.flush();
            channel.force(true);
            channel.close();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            committed = true;
        } catch (IOException e) {
            throw new CliException("cannot write the output file " + target + ": " + Errors.describe(e), e);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onStop);
        } catch (IllegalStateException stopping) {
            // The hook is running or will run; it deletes the file only if it was not committed.
        }
        if (!committed) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Deleted all the same.
            }
            deleteUnlessCommitted();
        }
    }
}
