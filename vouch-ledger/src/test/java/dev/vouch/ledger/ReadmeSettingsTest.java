package dev.vouch.ledger;

import dev.vouch.ledger.internal.LedgerConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's "Builder settings" table lists every setting of {@link LedgerBuilder}, with its real default. */
class ReadmeSettingsTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-zA-Z]+)\\([A-Za-z]*\\)` \\| ([^|]*) \\|", Pattern.MULTILINE);

    private static Map<String, String> table() throws IOException {
        Path d = Path.of("").toAbsolutePath();
        while (!Files.exists(d.resolve("README.md")) || !Files.exists(d.resolve("docs"))) {
            d = d.getParent();
        }
        String readme = Files.readString(d.resolve("README.md"), StandardCharsets.UTF_8);
        String section = readme.substring(readme.indexOf("### Builder settings"));
        section = section.substring(0, section.indexOf("\n## "));
        Map<String, String> rows = new TreeMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            rows.put(m.group(1), m.group(2).strip());
        }
        return rows;
    }

    @Test
    void shouldListEverySetterOfTheBuilder() throws IOException {
        TreeSet<String> setters = new TreeSet<>();
        for (Method m : LedgerBuilder.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getReturnType() == LedgerBuilder.class) {
                setters.add(m.getName());
            }
        }
        assertEquals(setters, new TreeSet<>(table().keySet()));
    }

    @Test
    void shouldStateTheBuildersDefaults() throws IOException {
        LedgerConfig b = Ledger.builder(Path.of("unused")).config();
        Map<String, String> t = table();
        assertEquals("`" + b.keyFile() + "`", t.get("keyFile"));
        assertEquals(Integer.toString(b.ringSize()), t.get("ringSize"));
        assertEquals(Integer.toString(b.slotCapacity()), t.get("slotCapacity"));
        assertEquals(b.maxEventSize() == 1 << 20 ? "1 MiB" : Integer.toString(b.maxEventSize()), t.get("maxEventSize"));
        assertEquals("`" + b.backpressure() + "`", t.get("backpressure"));
        assertEquals(BackpressureMode.BLOCK, b.backpressure());
        assertEquals("`" + b.signingMode() + "`", t.get("signingMode"));
        assertEquals(SigningMode.CHECKPOINT, b.signingMode());
        assertEquals(Integer.toString(b.checkpointMaxEvents()), t.get("checkpointMaxEvents"));
        assertEquals(b.checkpointMaxDelay().toMillis() + " ms", t.get("checkpointMaxDelay"));
        assertEquals(Duration.ofMillis(50), b.checkpointMaxDelay());
        assertEquals("`" + b.waitMode() + "`", t.get("waitMode"));
        assertEquals(Boolean.toString(b.shutdownHook()), t.get("shutdownHook"));
        assertEquals(Boolean.toString(b.fullVerificationOnOpen()), t.get("fullVerificationOnOpen"));
        assertTrue(b.freshJournalIfCorrupt() == null && t.get("freshJournalIfCorrupt").equals("none"));
        assertTrue(b.meterRegistry() == null && t.get("meterRegistry").equals("none"));
        assertTrue(b.origin() == null && t.get("origin").startsWith("`vouch/"));
    }
}
