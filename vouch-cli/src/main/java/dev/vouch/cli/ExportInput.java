package dev.vouch.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An export file ({@code vouch export}'s JSON Lines, docs/FORMAT.md, "Export format") as {@code vouch verify} checks
 * it: the records of its {@code record_b64} members, verified as a journal's, and every line checked against its
 * record ({@link ExportLineCheck}), as {@code tools/verify-journal.py} does. FORMAT.md calls the export the
 * interchange format for third parties, and {@code vouch verify} refused it ("not a directory"), so an auditor handed
 * one needed Python. A line that is no export line stops the verification (exit 2).
 */
final class ExportInput {
    /** The failure kind of a line that says something else than its record, as verify-journal.py names it. */
    static final String KIND = "export_line";

    private final Path file;
    private final List<BundleInput.Problem> problems = new ArrayList<>();

    private ExportInput(Path file) {
        this.file = file;
    }

    /**
     * Whether {@code path} is a regular file whose first character other than JSON white space opens a JSON object,
     * or that holds only white space: an export of no records, INCOMPLETE as {@code verify-journal.py} has it
     * (FORMAT.md, "Verification": no records at all), not an unreadable input.
     */
    static boolean looksLikeExport(Path path) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(path))) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return b == '{';
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Opens the export and checks its lines against their records.
     *
     * @throws CliException (exit code 2) if a line is not an export line
     */
    static ExportInput open(Path file) {
        ExportInput in = new ExportInput(file);
        try {
            for (ExportLineCheck.Misleading line : ExportLineCheck.misleadingLines(in::records, false)) {
                in.problems.add(new BundleInput.Problem(KIND, line.seq(), file.getFileName().toString(),
                        line.message()));
            }
        } catch (IOException e) {
            throw new CliException(file + ": " + Errors.describe(e), e);
        }
        return in;
    }

    ExportLines records() throws IOException {
        return ExportLines.open(file);
    }

    /** The lines that do not say what their records say. */
    List<BundleInput.Problem> problems() {
        return problems;
    }
}
