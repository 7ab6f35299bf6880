package dev.vouch.image;

import static dev.vouch.image.Manifests.get;
import static dev.vouch.image.Manifests.map;
import static dev.vouch.image.Manifests.maps;
import static dev.vouch.image.Manifests.named;
import static dev.vouch.image.Manifests.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vouch.policy.Policy;
import dev.vouch.server.GatewayOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Parses everything in deploy/ (compose, Prometheus, Loki, Alloy, Grafana, the Kubernetes manifests, and the Helm
 * chart rendered with its values) and checks it against the server and the image: ports and probe paths against the
 * gateway's option defaults, the journal, key, policy and token paths against the image's layout, the key Secret's
 * mode, read-only root file systems, and every metric an alert or a dashboard names against a live scrape of a real
 * gateway.
 */
class DeployFilesTest {
    private static final Pattern METRIC = Pattern.compile("\\b(vouch_[a-z_]+|jvm_[a-z_]+|disk_[a-z_]+|process_[a-z_]+|up)\\b");
    private static final Path DEPLOY = Layout.deploy();
    private static String port;
    private static String adminPort;
    private static Set<String> metrics;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void serverFacts() throws Exception {
        CommandSpec options = CommandSpec.forAnnotatedObject(new GatewayOptions());
        port = options.findOption("--port").defaultValue();
        adminPort = options.findOption("--admin-port").defaultValue();
        metrics = LiveMetrics.scrape(tmp);
        metrics.add("up"); // Prometheus' own, per target
    }

    @Test
    void shouldRenderTheHelmChartIntoAGatewayOnTheServerPortsWithProbesOnTheAdminPort() throws IOException {
        HelmChart chart = new HelmChart(DEPLOY.resolve("helm/vouch"));
        List<Map<String, Object>> objects = chart.objects("vouch-test");
        Map<String, Object> deployment = Manifests.find(objects, "Deployment", "vouch-test");
        Map<String, Object> pod = map(deployment, "spec.template.spec");
        Map<String, Object> vouch = named(maps(pod, "containers"), "vouch");

        checkOneWriter(deployment);
        checkGatewayContainer(pod, vouch, "0.0.0.0");
        checkSecretsInitContainer(pod, vouch);
        checkJournalVolume(objects, pod, vouch);
        checkPolicyConfigMap(objects, pod, vouch);
        assertEquals(adminPort, map(deployment, "spec.template.metadata.annotations").get("prometheus.io/port"));
        assertEquals(Layout.JOB, map(deployment, "spec.template.metadata.labels").get("vouch.dev/job"));

        Map<String, Object> service = Manifests.find(objects, "Service", "vouch-test");
        List<Map<String, Object>> servicePorts = maps(service, "spec.ports");
        assertEquals(Integer.parseInt(port), named(servicePorts, "gateway").get("port"));
        assertEquals(Integer.parseInt(adminPort), named(servicePorts, "admin").get("port"));
        List<Map<String, Object>> containerPorts = maps(vouch, "ports");
        for (Map<String, Object> p : servicePorts) {
            named(containerPorts, String.valueOf(p.get("targetPort"))); // the target is a named port of the container
        }
        assertEquals(map(deployment, "spec.selector.matchLabels"), map(service, "spec.selector"));
        String notes = chart.render("vouch-test").get("NOTES.txt");
        assertTrue(notes.contains("vouch rekey --server http://127.0.0.1:" + port), notes);
    }

    @Test
    void shouldRunTheSidecarBesideTheAgentOnLoopbackWithTheChartsProbesAndSecretsHandling() throws IOException {
        List<Map<String, Object>> objects = Manifests.read(DEPLOY.resolve("kubernetes/vouch-sidecar.yaml"));
        Map<String, Object> deployment = Manifests.find(objects, "Deployment", null);
        Map<String, Object> pod = map(deployment, "spec.template.spec");
        List<Map<String, Object>> containers = maps(pod, "containers");
        assertEquals(2, containers.size(), "the agent and the gateway");
        Map<String, Object> vouch = named(containers, "vouch");

        checkOneWriter(deployment);
        checkGatewayContainer(pod, vouch, "127.0.0.1");
        checkSecretsInitContainer(pod, vouch);
        checkJournalVolume(objects, pod, vouch);
        checkPolicyConfigMap(objects, pod, vouch);
        assertEquals(adminPort, map(deployment, "spec.template.metadata.annotations").get("prometheus.io/port"));
        assertEquals(Layout.JOB, map(deployment, "spec.template.metadata.labels").get("vouch.dev/job"));
        Map<String, Object> agent = named(containers, "agent");
        assertEquals("http://127.0.0.1:" + port, named(maps(agent, "env"), "VOUCH_URL").get("value"));

        // The same init container and pod security as the chart's, which ImageRunIT runs.
        Map<String, Object> chartPod = map(Manifests.find(new HelmChart(DEPLOY.resolve("helm/vouch")).objects("x"),
                "Deployment", "x"), "spec.template.spec");
        Map<String, Object> init = maps(pod, "initContainers").get(0);
        Map<String, Object> chartInit = maps(chartPod, "initContainers").get(0);
        for (String field : List.of("command", "args", "securityContext", "volumeMounts")) {
            assertEquals(chartInit.get(field), init.get(field), "init container " + field);
        }
        assertEquals(chartPod.get("securityContext"), pod.get("securityContext"));
    }

    @Test
    void shouldAlertOnDropsCheckpointAgeLedgerFailureAndCriticalLogLinesWithRealMetricNames() throws IOException {
        Map<String, Object> rules = Manifests.readOne(DEPLOY.resolve("prometheus/vouch-alerts.yml"));
        Map<String, String> alerts = alerts(rules);
        for (Map.Entry<String, String> a : alerts.entrySet()) {
            assertKnownMetrics("alert " + a.getKey(), a.getValue());
        }
        assertTrue(alerts.get("VouchEventsDropped").contains("increase(vouch_ledger_events_dropped_total"));
        assertTrue(alerts.get("VouchCheckpointOverdue").contains("vouch_ledger_seal_overdue"));
        assertTrue(alerts.get("VouchCheckpointOverdue").contains("vouch_ledger_checkpoint_age_seconds"));
        assertTrue(alerts.get("VouchLedgerFailed").contains("vouch_ledger_failed"));
        assertTrue(alerts.get("VouchLedgerFailed").contains("vouch_ledger_events_lost_total"));
        assertTrue(alerts.get("VouchGatewayDown").contains("up{job=\"" + Layout.JOB + "\"}"));

        Map<String, String> logAlerts = alerts(Manifests.readOne(DEPLOY.resolve("loki/vouch-log-alerts.yaml")));
        String critical = logAlerts.get("VouchCriticalLogLine");
        assertNotNull(critical);
        assertTrue(critical.contains("|= \"[CRITICAL]\"") && critical.contains("{job=\"" + Layout.JOB + "\"}"), critical);

        // Kubernetes: the same rules as a PrometheusRule, and a PodMonitor giving the pods the job the rules select.
        Map<String, Object> rule = Manifests.readOne(DEPLOY.resolve("kubernetes/vouch-prometheus-rule.yaml"));
        assertEquals("PrometheusRule", rule.get("kind"));
        assertEquals(rules.get("groups"), get(rule, "spec.groups"));
        Map<String, Object> monitor = Manifests.readOne(DEPLOY.resolve("kubernetes/vouch-pod-monitor.yaml"));
        assertEquals("vouch.dev/job", get(monitor, "spec.jobLabel"));
        Map<String, Object> endpoint = maps(monitor, "spec.podMetricsEndpoints").get(0);
        assertEquals("admin", endpoint.get("port"));
        assertEquals("/metrics", endpoint.get("path"));
    }

    @Test
    void shouldScrapeTheAdminPortInComposeAndWireRulesLogsAndDashboards() throws IOException {
        Path composeDir = DEPLOY.resolve("compose");
        Map<String, Object> compose = Manifests.readOne(composeDir.resolve("compose.yaml"));
        Map<String, Object> services = map(compose, "services");
        Map<String, Object> vouch = map(services, "vouch");
        assertEquals(Boolean.TRUE, vouch.get("read_only"));
        assertEquals(List.of("ALL"), strings(vouch, "cap_drop"));
        assertEquals(List.of("127.0.0.1:" + port + ":" + port, "127.0.0.1:" + adminPort + ":" + adminPort),
                strings(vouch, "ports"));
        Map<String, String> mounts = mounts(composeDir, strings(vouch, "volumes"));
        assertEquals("vouch-data", mounts.get(Layout.DATA));
        assertTrue(map(compose, "volumes").containsKey("vouch-data"));
        Policy.load(Path.of(mounts.get(Layout.POLICY))); // the example policy is valid
        assertTrue(mounts.containsKey(Layout.TOKENS), mounts.toString());

        Map<String, Object> prometheus = Manifests.readOne(composeDir.resolve("prometheus/prometheus.yml"));
        Map<String, Object> job = maps(prometheus, "scrape_configs").get(0);
        assertEquals(Layout.JOB, job.get("job_name"));
        assertEquals("/metrics", job.get("metrics_path"));
        assertEquals(List.of("vouch:" + adminPort), strings(maps(job, "static_configs").get(0), "targets"));
        Map<String, String> promMounts = mounts(composeDir, strings(map(services, "prometheus"), "volumes"));
        String ruleGlob = strings(prometheus, "rule_files").get(0);
        String alertsAt = promMounts.entrySet().stream().filter(e -> e.getValue().endsWith("vouch-alerts.yml"))
                .findFirst().orElseThrow().getKey();
        assertTrue(alertsAt.startsWith(ruleGlob.substring(0, ruleGlob.lastIndexOf('/') + 1)) && alertsAt.endsWith(".yml"),
                alertsAt + " is not matched by " + ruleGlob);
        assertTrue(strings(map(services, "prometheus"), "command").contains("--config.file=/etc/prometheus/prometheus.yml"));

        Map<String, Object> loki = Manifests.readOne(composeDir.resolve("loki/loki.yaml"));
        String rulesDir = (String) get(loki, "ruler.storage.local.directory");
        String lokiRulesAt = mounts(composeDir, strings(map(services, "loki"), "volumes")).entrySet().stream()
                .filter(e -> e.getValue().endsWith("vouch-log-alerts.yaml")).findFirst().orElseThrow().getKey();
        assertTrue(lokiRulesAt.startsWith(rulesDir + "/fake/"), lokiRulesAt); // the tenant of a Loki without auth
        assertEquals("http://alertmanager:9093", get(loki, "ruler.alertmanager_url"));

        String alloy = Files.readString(composeDir.resolve("alloy/config.alloy"));
        String label = map(vouch, "labels").keySet().iterator().next();
        assertTrue(alloy.contains("__meta_docker_container_label_" + label.replaceAll("[^A-Za-z0-9]", "_")), label);
        assertTrue(alloy.contains("replacement  = \"" + Layout.JOB + "\""));
        assertTrue(alloy.contains("http://loki:3100/loki/api/v1/push"));

        Map<String, Object> dashboards = Manifests.readOne(composeDir.resolve(
                "grafana/provisioning/dashboards/dashboards.yaml"));
        String dashboardDir = (String) get(maps(dashboards, "providers").get(0), "options.path");
        assertTrue(mounts(composeDir, strings(map(services, "grafana"), "volumes")).keySet().stream()
                .anyMatch(k -> k.startsWith(dashboardDir + "/") && k.endsWith(".json")));
        Map<String, Object> sources = Manifests.readOne(composeDir.resolve("grafana/provisioning/datasources/datasources.yaml"));
        assertEquals(Set.of("prometheus", "loki"), Set.copyOf(maps(sources, "datasources").stream()
                .map(d -> (String) d.get("type")).toList()));
    }

    @Test
    void shouldChartOnlyMetricsTheGatewayExposes() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana/vouch-dashboard.json").toFile());
        Set<Integer> ids = new HashSet<>();
        int queries = 0;
        boolean criticalLogs = false;
        for (JsonNode panel : dashboard.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), "duplicate panel id " + panel.get("id"));
            for (JsonNode target : panel.path("targets")) {
                String expr = target.get("expr").asText();
                if (target.get("datasource").get("type").asText().equals("loki")) {
                    criticalLogs |= expr.contains("{job=\"" + Layout.JOB + "\"}") && expr.contains("[CRITICAL]");
                } else {
                    assertKnownMetrics("panel " + panel.get("title").asText(), expr);
                    queries++;
                }
            }
        }
        assertTrue(queries >= 15, "queries: " + queries);
        assertTrue(criticalLogs, "a log panel of the [CRITICAL] lines");
        List<String> variables = new ArrayList<>();
        dashboard.get("templating").get("list").forEach(v -> variables.add(v.get("name").asText()));
        assertEquals(List.of("datasource", "logs"), variables);
    }

    // ---- shared checks of the two Kubernetes pods (chart and sidecar)

    private static void checkOneWriter(Map<String, Object> deployment) {
        assertEquals(1, get(deployment, "spec.replicas"));
        assertEquals("Recreate", get(deployment, "spec.strategy.type"));
    }

    private static void checkGatewayContainer(Map<String, Object> pod, Map<String, Object> vouch, String bind) {
        assertEquals(Boolean.TRUE, get(pod, "securityContext.runAsNonRoot"));
        assertEquals((int) Layout.USER, get(pod, "securityContext.runAsUser"));
        assertEquals((int) Layout.USER, get(pod, "securityContext.fsGroup"));
        assertEquals("OnRootMismatch", get(pod, "securityContext.fsGroupChangePolicy"));
        assertTrue((Integer) get(pod, "terminationGracePeriodSeconds") >= 20, "the gateway drains for 10 s");

        Map<String, String> args = Manifests.options(strings(vouch, "args"));
        assertEquals(bind, args.get("--bind"));
        assertEquals("0.0.0.0", args.get("--admin-bind"), "probes and Prometheus reach the admin port from outside");
        assertEquals(port, args.getOrDefault("--port", port));
        assertEquals(adminPort, args.getOrDefault("--admin-port", adminPort));
        List<Map<String, Object>> ports = maps(vouch, "ports");
        assertEquals(Integer.parseInt(port), named(ports, "gateway").get("containerPort"));
        assertEquals(Integer.parseInt(adminPort), named(ports, "admin").get("containerPort"));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals(Integer.parseInt(adminPort), get(vouch, probe + ".httpGet.port"), probe);
        }
        assertEquals("/healthz", get(vouch, "startupProbe.httpGet.path"));
        assertEquals("/healthz", get(vouch, "livenessProbe.httpGet.path"));
        assertEquals("/readyz", get(vouch, "readinessProbe.httpGet.path"));
        for (Map<String, Object> c : containersOfVouch(pod)) {
            assertEquals(Boolean.TRUE, get(c, "securityContext.readOnlyRootFilesystem"), c.get("name") + "");
            assertEquals(Boolean.FALSE, get(c, "securityContext.allowPrivilegeEscalation"), c.get("name") + "");
            assertEquals(List.of("ALL"), strings(c, "securityContext.capabilities.drop"), c.get("name") + "");
            assertNotNull(mountPathOf(pod, c, v -> v.containsKey("emptyDir"), "/tmp"),
                    "a read-only root needs a writable /tmp for the JVM");
        }
        // Every file argument lies under a volume mount, with the key and journal on the same persistent volume.
        assertEquals(Layout.JOURNAL, args.get("--journal"));
        assertEquals(Layout.KEY, args.get("--key"));
    }

    private static void checkSecretsInitContainer(Map<String, Object> pod, Map<String, Object> vouch) {
        Map<String, Object> init = maps(pod, "initContainers").get(0);
        assertEquals(vouch.get("image"), init.get("image"), "the init container runs the gateway's own image");
        List<String> command = strings(init, "command");
        assertEquals(List.of("java", "-cp", "@/app/jib-classpath-file", SecretInstaller.class.getName()), command);
        List<String> initArgs = strings(init, "args");
        List<SecretInstaller.Step> steps = SecretInstaller.parse(initArgs.toArray(String[]::new));
        Map<String, String> args = Manifests.options(strings(vouch, "args"));
        SecretInstaller.Step tokens = steps.stream().filter(s -> !s.seed()).findFirst().orElseThrow();
        SecretInstaller.Step key = steps.stream().filter(SecretInstaller.Step::seed).findFirst().orElseThrow();
        assertEquals(args.get("--tokens"), tokens.target().toString());
        assertEquals(args.get("--key"), key.target().toString());

        Map<String, Object> secretVolume = volume(pod, init, tokens.source().getParent().toString());
        assertEquals(256, get(secretVolume, "secret.defaultMode"), "defaultMode 0400 (octal 256)");
        assertEquals(secretVolume, volume(pod, init, key.source().getParent().toString()));
        // The token copy lives in memory and reaches the gateway read-only; the key on the journal's volume.
        Map<String, Object> run = volume(pod, init, tokens.target().getParent().toString());
        assertEquals("Memory", get(run, "emptyDir.medium"));
        assertEquals(run, volume(pod, vouch, tokens.target().getParent().toString()));
        assertEquals(volume(pod, vouch, Layout.DATA), volume(pod, init, key.target().getParent().toString()));
        assertFalse(containersOfVouch(pod).stream().filter(c -> c != init)
                .anyMatch(c -> mountPathOf(pod, c, v -> v.containsKey("secret"), null) != null),
                "only the init container mounts the Secret");
    }

    private static void checkJournalVolume(List<Map<String, Object>> objects, Map<String, Object> pod,
            Map<String, Object> vouch) {
        Map<String, Object> journal = volume(pod, vouch, Layout.DATA);
        String claim = (String) get(journal, "persistentVolumeClaim.claimName");
        Map<String, Object> pvc = Manifests.find(objects, "PersistentVolumeClaim", claim);
        assertEquals(List.of("ReadWriteOnce"), strings(pvc, "spec.accessModes"));
        assertNotNull(get(pvc, "spec.resources.requests.storage"));
        assertTrue(Manifests.options(strings(vouch, "args")).get("--journal").startsWith(Layout.DATA + "/"));
    }

    private static void checkPolicyConfigMap(List<Map<String, Object>> objects, Map<String, Object> pod,
            Map<String, Object> vouch) throws IOException {
        Path policy = Path.of(Manifests.options(strings(vouch, "args")).get("--policy"));
        Map<String, Object> volume = volume(pod, vouch, policy.getParent().toString());
        Map<String, Object> configMap = Manifests.find(objects, "ConfigMap", (String) get(volume, "configMap.name"));
        String text = (String) map(configMap, "data").get(policy.getFileName().toString());
        assertNotNull(text, "the ConfigMap has no " + policy.getFileName());
        Path file = Files.createTempFile(tmp, "policy", ".yaml");
        Files.writeString(file, text);
        assertFalse(Policy.load(file).ruleIds().isEmpty());
    }

    // ---- helpers

    private static List<Map<String, Object>> containersOfVouch(Map<String, Object> pod) {
        List<Map<String, Object>> out = new ArrayList<>(maps(pod, "initContainers"));
        maps(pod, "containers").stream().filter(c -> !"agent".equals(c.get("name"))).forEach(out::add);
        return out;
    }

    /** The pod volume mounted at {@code mountPath} in {@code container}. */
    private static Map<String, Object> volume(Map<String, Object> pod, Map<String, Object> container, String mountPath) {
        Map<String, Object> mount = maps(container, "volumeMounts").stream()
                .filter(m -> mountPath.equals(m.get("mountPath"))).findFirst()
                .orElseThrow(() -> new AssertionError(container.get("name") + " mounts nothing at " + mountPath));
        return named(maps(pod, "volumes"), (String) mount.get("name"));
    }

    /** Where {@code container} mounts a volume that {@code kind} accepts (and at {@code path} if given), or null. */
    private static String mountPathOf(Map<String, Object> pod, Map<String, Object> container,
            java.util.function.Predicate<Map<String, Object>> kind, String path) {
        for (Map<String, Object> m : maps(container, "volumeMounts")) {
            Map<String, Object> v = named(maps(pod, "volumes"), (String) m.get("name"));
            if (kind.test(v) && (path == null || path.equals(m.get("mountPath")))) {
                return (String) m.get("mountPath");
            }
        }
        return null;
    }

    private static Map<String, String> alerts(Map<String, Object> ruleFile) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Map<String, Object> group : maps(ruleFile, "groups")) {
            for (Map<String, Object> rule : maps(group, "rules")) {
                out.put((String) rule.get("alert"), (String) rule.get("expr"));
                assertNotNull(get(rule, "labels.severity"), rule.get("alert") + " has no severity");
                assertNotNull(get(rule, "annotations.summary"), rule.get("alert") + " has no summary");
            }
        }
        return out;
    }

    private static void assertKnownMetrics(String where, String expr) {
        Set<String> named = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            named.add(m.group(1));
        }
        assertFalse(named.isEmpty(), where + " names no metric: " + expr);
        for (String name : named) {
            assertTrue(metrics.contains(name), where + " uses " + name + ", which the gateway does not expose; it has "
                    + metrics.stream().filter(n -> n.startsWith("vouch_")).toList());
        }
    }

    /** Compose volume entries as container path to source (a named volume, or an absolute host path that exists). */
    private static Map<String, String> mounts(Path composeDir, List<String> volumes) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String v : volumes) {
            int end = v.startsWith("${") ? v.indexOf('}') + 1 : v.indexOf(':');
            String source = v.substring(0, end);
            String target = v.substring(end + 1).split(":")[0];
            if (source.startsWith(".") || source.startsWith("/")) {
                Path p = composeDir.resolve(source).normalize();
                boolean runtime = source.contains("docker.sock") || source.startsWith("${");
                boolean secret = p.startsWith(composeDir.resolve("secrets"));
                assertTrue(runtime || secret || Files.exists(p), v + ": " + p + " does not exist");
                source = p.toString();
            } else if (source.startsWith("${")) {
                source = "(runtime socket)";
            }
            out.put(target, source);
        }
        return out;
    }
}
