package dev.vouch.image;

import static dev.vouch.image.Manifests.maps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alert rules evaluated by Prometheus's own rule engine ({@code promtool test rules}, Debian package
 * {@code prometheus}, which .ci/run installs) on the series an outside operator's trial saw: a gateway that exits
 * after its ledger fails (status 75) or its disk fills takes its metrics with it, and the alerts resolved while the
 * disk was still full and the restart failing; "approvals pending for 30 minutes" fired for a call seconds old.
 */
class AlertRulesPromtoolTest {
    private static final Path RULES = Layout.deploy().resolve("prometheus/vouch-alerts.yml");
    /** The metric is gone: its gateway exited. */
    private static final String GONE = " _".repeat(40);

    @TempDir
    Path tmp;

    @Test
    void shouldKeepFiringWhenTheGatewayGoesAwayAndResolveWhenItIsBackHealthy() throws Exception {
        Assumptions.assumeTrue(onPath("promtool"), "promtool (Debian package prometheus) is not installed");
        Map<String, Map<String, Object>> rules = new HashMap<>();
        for (Map<String, Object> group : maps(Manifests.readOne(RULES), "groups")) {
            for (Map<String, Object> rule : maps(group, "rules")) {
                rules.put((String) rule.get("alert"), rule);
            }
        }
        String gw = "job=\"vouch-gateway\",instance=\"gw:9998\"";
        Map<String, Object> failsThenGone = test(List.of(
                series("vouch_ledger_failed{" + gw + ",origin=\"o\"}", "0 0 1" + GONE),
                series("vouch_ledger_events_lost_total{" + gw + ",origin=\"o\"}", "0 0 0" + GONE),
                series("disk_free_bytes{" + gw + ",path=\"/data/journal\"}", "50" + " 5".repeat(13) + GONE),
                series("disk_total_bytes{" + gw + ",path=\"/data/journal\"}", "100" + " 100".repeat(13) + GONE),
                series("vouch_guard_approvals_oldest_wait_seconds{" + gw + ",agent=\"refund-bot\"}",
                        "0 60 120 180 240 300 360 0 0")), List.of(
                none("1m", "VouchLedgerFailed"),
                // Eight minutes after the last scrape of a failed ledger: still firing.
                firing("10m", "VouchLedgerFailed", rules, Map.of("severity", "critical", "origin", "o"),
                        "Vouch ledger o stopped after a fatal failure"),
                none("20m", "VouchLedgerFailed"),
                none("5m", "VouchJournalDiskLow"),
                // Eleven minutes after the gateway exited on its full disk: still firing.
                firing("25m", "VouchJournalDiskLow", rules, Map.of("severity", "warning", "path", "/data/journal"),
                        "Less than 10% free on the journal's disk (/data/journal)"),
                none("5m", "VouchApprovalsWaiting"),
                firing("6m", "VouchApprovalsWaiting", rules, Map.of("severity", "info", "agent", "refund-bot"),
                        "A call of agent refund-bot has waited 6m 0s for approval"),
                none("7m", "VouchApprovalsWaiting")));
        Map<String, Object> restartedHealthy = test(List.of(
                series("vouch_ledger_failed{" + gw + ",origin=\"o\"}", "0 1 _ _ 0 0 0")), List.of(
                firing("3m", "VouchLedgerFailed", rules, Map.of("severity", "critical", "origin", "o"),
                        "Vouch ledger o stopped after a fatal failure"),
                none("5m", "VouchLedgerFailed")));
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("rule_files", List.of(RULES.toAbsolutePath().toString()));
        file.put("evaluation_interval", "1m");
        file.put("tests", List.of(failsThenGone, restartedHealthy));
        Path tests = tmp.resolve("vouch-alerts-test.yml"); // JSON is YAML
        Files.writeString(tests, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(file));

        Process p = new ProcessBuilder("promtool", "test", "rules", tests.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("SUCCESS"), out);
    }

    private static Map<String, Object> test(List<Map<String, Object>> series, List<Map<String, Object>> checks) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("interval", "1m");
        t.put("input_series", series);
        t.put("alert_rule_test", checks);
        return t;
    }

    private static Map<String, Object> series(String name, String values) {
        return Map.of("series", name, "values", values);
    }

    private static Map<String, Object> none(String at, String alert) {
        return Map.of("eval_time", at, "alertname", alert, "exp_alerts", List.of());
    }

    private static Map<String, Object> firing(String at, String alert, Map<String, Map<String, Object>> rules,
            Map<String, String> labels, String summary) {
        Map<String, String> all = new HashMap<>(labels);
        all.put("job", "vouch-gateway");
        all.put("instance", "gw:9998");
        @SuppressWarnings("unchecked")
        Map<String, Object> annotations = (Map<String, Object>) rules.get(alert).get("annotations");
        return Map.of("eval_time", at, "alertname", alert, "exp_alerts", List.of(Map.of("exp_labels", all,
                "exp_annotations", Map.of("summary", summary, "description", annotations.get("description")))));
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
