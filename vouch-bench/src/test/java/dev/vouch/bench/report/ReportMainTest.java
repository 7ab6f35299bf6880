package dev.vouch.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** ReportMain end to end on the hand-written fixtures: the files it writes and what they say. */
class ReportMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String report(Path dir) throws Exception {
        int rc = ReportMain.run(dir, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        return Files.readString(dir.resolve(ReportMain.MARKDOWN), StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteHeaderFromRunAndMachineProperties(@TempDir Path tmp) throws Exception {
        String md = report(Fixtures.copy("full", tmp));
        assertTrue(md.startsWith("# Vouch benchmark results\n"), md);
        assertTrue(md.contains("- **Date:** 2026-11-23T10:00:00+0000 to 2026-11-23T10:05:00+0000"), md);
        assertTrue(md.contains("- **JDK:** 17.0.15, OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1"), md);
        assertTrue(md.contains("- **Machine:** 2 cores, Test CPU @ 2.0GHz, Linux 6.1 (amd64), 8.0 GiB RAM"), md);
        assertTrue(md.contains("- **Mode:** **quick**"), md);
        assertTrue(md.contains("'\\.RecordThroughputBenchmark\\.(oneProducer|record)$' -f 1 -wi 1"),
                "the command: " + md);
        assertTrue(md.contains("> **Warning:** the `policy` JMH run failed (exit 1)"), md);
        assertTrue(md.contains("not in this benchmark jar, so not run: `\\.Log4jBaselineBenchmark\\.fourThreads$`"),
                md);
    }

    @Test
    void shouldWriteTargetsTableWithStatuses(@TempDir Path tmp) throws Exception {
        String md = report(Fixtures.copy("full", tmp));
        assertTrue(md.contains("| Burst, 1 producer (256 B) ≥ 1,500,000 events/s | 1,234,567 ± 100,000 ops/s"), md);
        assertTrue(md.contains("| **missed**: 18 % short |"), md);
        assertTrue(md.contains("% short (within error) |"), md);
        assertTrue(md.contains("| **missed**: 25 % over |"), md);
        assertEquals(4, count(md, "| met"), md);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("| **missed**: 18 % short |"), "printed too");
    }

    @Test
    void shouldTableThroughputWithRatiosToBaselinesOfTheSamePayload(@TempDir Path tmp) throws Exception {
        String md = report(Fixtures.copy("full", tmp));
        assertTrue(md.contains("| CHECKPOINT | 256 B | 1 | 531,216 | 271,624 | 0.49× | — | 1.33× |"), md);
        assertTrue(md.contains("| CHECKPOINT | 4096 B | 1 | 250,000 | 10,000 | 0.83× | — | — |"), md);
        assertTrue(md.contains("| CHECKPOINT | 256 B | 4 | 650,000 | n/a | 0.60× | — | — |"), md);
        assertTrue(md.contains("| PER_EVENT | 256 B | 1 | 21,940 | 8,864 | 0.02× | 0.97× | 0.05× |"), md);
    }

    @Test
    void shouldListEveryResultWithLostEventsAllocationAndOtherMetrics(@TempDir Path tmp) throws Exception {
        String md = report(Fixtures.copy("full", tmp));
        assertTrue(md.contains("| `Log4jBaselineBenchmark.oneThread` | payloadBytes=256 | 1 | thrpt | 400,000 | 40,000"
                + " | ops/s | 1,234 | — | lostPercent = 0.150 # | throughput |"), md);
        assertTrue(md.contains("| `RecordThroughputBenchmark.oneProducer` | payloadBytes=256, signing=CHECKPOINT | 1 |"
                + " thrpt | 505,000 | 30,000 | ops/s | — | 0.740 | — | gc |"), md);
        assertTrue(md.contains("| `VerifyBenchmark.verify` | records=10,000,000 | 1 | thrpt | 0.150 | 0.010 |"
                + " ops/s | — | — | records = 1,500,000 ops/s | verify-ingest |"), md);
        String all = md.substring(md.indexOf("## All results"));
        assertTrue(all.indexOf("| payloadBytes=64 |") < all.indexOf("| payloadBytes=256 |")
                && all.indexOf("| payloadBytes=256 |") < all.indexOf("| payloadBytes=4096 |"),
                "numbers in order: " + md);
    }

    @Test
    void shouldTablePercentilesInTheBenchmarksUnit(@TempDir Path tmp) throws Exception {
        String md = report(Fixtures.copy("full", tmp));
        String params = "eventsPerSecond=100,000, payloadBytes=256, waitMode=";
        assertTrue(md.contains("| `RecordLatencyBenchmark.record` | " + params + "BLOCKING | 1 | us/op | 0.420 |"
                + " 0.350 | 0.600 | 1.25 | 3.10 | 12.5 | 1,235 |"), md);
        assertTrue(md.contains("| `RecordLatencyBenchmark.recordJournaled` | " + params + "BLOCKING | 1 | ns/op | 850 |"
                + " 700 | 1,200 | 2,400 | 9,000 | 40,000 | 2,500,000 |"), md);
        assertTrue(md.contains("| `RecordLatencyBenchmark.record` | " + params + "BLOCKING | 1 | sample | 0.420 |"
                + " 0.010 | us/op | — | — | — | latency |"), "no p0.99 in 'other': " + md);
    }

    @Test
    void shouldDrawOneBarPerCheckpointResultInValidSvg(@TempDir Path tmp) throws Exception {
        Path dir = Fixtures.copy("full", tmp);
        report(dir);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document svg = f.newDocumentBuilder().parse(dir.resolve(SvgChart.FILE).toFile());
        assertEquals("svg", svg.getDocumentElement().getLocalName());
        NodeList rects = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        int bars = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            bars += "bar".equals(((Element) rects.item(i)).getAttribute("class")) ? 1 : 0;
        }
        assertEquals(4, bars, "1 producer at 256 and 4096 B, 2 and 4 producers at 256 B");
        assertEquals(SvgChart.bars(new Results(ResultReader.read(dir).results())).size(), bars);
        String text = Files.readString(dir.resolve(SvgChart.FILE), StandardCharsets.UTF_8);
        assertTrue(text.contains("raw Chronicle append, 256 B"), text);
        assertTrue(text.contains("Log4j2 async, 1 thread, 256 B"), text);
        assertTrue(text.contains("<title>2 producers, 256 B: 600,000 ± 50,000 ops/s</title>"), text);
    }

    @Test
    void shouldReportMissingBenchmarksAsNotRunAndUnreadableFilesAsWarnings(@TempDir Path tmp) throws Exception {
        Path dir = Fixtures.copy("partial", tmp);
        String md = report(dir);
        assertEquals(13, count(md, "| not run: no "), "every target: " + md);
        assertTrue(md.contains("> **Warning:** could not read broken.json: "), md);
        assertTrue(md.contains("- `BurstBenchmark.record`"), "listed as not in this run: " + md);
        assertTrue(md.contains("No `RecordThroughputBenchmark` results in this run."), md);
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve(SvgChart.FILE).toFile());
        assertTrue(Files.isRegularFile(dir.resolve(MachineInfo.FILE)), "the machine is kept for later reports");
    }

    @Test
    void shouldFailWithoutAnyResultFile(@TempDir Path tmp) throws Exception {
        int rc = ReportMain.run(tmp, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, rc);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no *.json JMH results"));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
