package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output for people is the same in every locale: an outside trial ran the CLI under Arabic and Thai locales and got
 * native digits for some numbers and ASCII ones for the rest on one line ({@code ٣٢ ... tree_size=32}), which also
 * breaks scripts that read {@code vouch show}; a German locale grouped thousands with dots beside decimal points.
 */
class LocaleDigitsTest {
    @TempDir
    Path tmp;

    @Test
    void shouldPrintAsciiDigitsAndRootGroupingWhateverTheDefaultLocale() {
        TestJournals.Written w = TestJournals.write(tmp, 3);
        List<List<String>> commands = List.of(List.of("show", w.dir()), List.of("events", w.dir()),
                List.of("stats", w.dir()), List.of("risk", w.dir(), "--min-risk", "none"), List.of("status", w.dir()),
                List.of("tasks", w.dir()), List.of("verify", w.dir(), "--pubkey", w.pub()),
                List.of("verify", w.dir(), w.dir(), "--pubkey", w.pub()));
        Locale before = Locale.getDefault();
        try {
            for (List<String> command : commands) {
                Locale.setDefault(Locale.ROOT);
                Cli.Result root = Cli.run(command.toArray(String[]::new));
                for (Locale l : List.of(new Locale("ar", "EG"), new Locale("th", "TH", "TH"), Locale.GERMANY,
                        new Locale("hi", "IN"))) {
                    Locale.setDefault(l);
                    Cli.Result r = Cli.run(command.toArray(String[]::new));
                    assertEquals(root.exit(), r.exit(), r::toString);
                    assertFalse(r.out().codePoints().anyMatch(c -> Character.isDigit(c) && c > 0x7f),
                            () -> command + " in " + l + " prints digits that are not ASCII:\n" + r);
                    assertEquals(mask(root.out()), mask(r.out()), () -> command + " in " + l);
                }
            }
        } finally {
            Locale.setDefault(before);
        }
    }

    /** The output with what changes between two runs (ages, the time of the run) taken out. */
    private static String mask(String out) {
        return out.replaceAll("\\(\\d[^)]*ago\\)", "(ago)").replaceAll("\\d+(\\.\\d+)? (ms|s|min|h|d)\\b", "T");
    }
}
