package dev.vouch.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Byte-exact snapshots of journal directories, to prove that something did not write to them. */
final class JournalFiles {
    private JournalFiles() {
    }

    /**
     * Every entry under {@code dir} (recursively, the directory itself included) with its type, size,
     * modification time and, for regular files, SHA-256; plus the names in {@code dir}'s parent.
     */
    static Map<String, String> snapshot(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> all = Files.walk(dir)) {
                    for (Path p : (Iterable<Path>) all::iterator) {
                        out.put(dir.relativize(p).toString(), describe(p));
                    }
                }
            } else {
                out.put("", "absent");
            }
            Path parent = dir.toAbsolutePath().getParent();
            out.put("../ (names)", Files.isDirectory(parent) ? String.join(",", names(parent)) : "not a directory");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String describe(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        if (a.isDirectory()) {
            return "dir mtime=" + a.lastModifiedTime() + " names=" + String.join(",", names(p));
        }
        return "file size=" + a.size() + " mtime=" + a.lastModifiedTime() + " sha256=" + sha256(p);
    }

    static List<String> names(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        return names;
    }

    static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The journal's Chronicle data files (not the metadata table). */
    static List<Path> cq4Files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the files of a journal directory (flat, as Chronicle lays it out) into a new directory. */
    static Path copy(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> s = Files.list(from)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Files.copy(p, to.resolve(p.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }
}
