package dev.vouch.image;

import static dev.vouch.image.Manifests.get;
import static dev.vouch.image.Manifests.map;
import static dev.vouch.image.Manifests.maps;
import static dev.vouch.image.Manifests.named;
import static dev.vouch.image.Manifests.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vouch.Decision;
import dev.vouch.crypto.KeyFile;
import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.JournalReader;
import dev.vouch.server.AccessTokens;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the image into Podman and runs it as deploy/ describes: once as the compose service (a fresh named volume,
 * the example policy, a mounted token file, read-only root, no capabilities), once as the Helm chart's pod (the init
 * container installing secrets mounted the way Kubernetes mounts them, then the gateway; a key rotation through the
 * operator API; a restart on the rotated key). Each checks {@code /healthz}, {@code /readyz}, {@code /metrics} and
 * guarded calls, stops the container with SIGTERM, and ends by verifying the journal it left, with the trust anchor
 * taken outside the container. Where Podman cannot run containers the tests are skipped and say why; ImageTarIT still
 * checks the image. Containers, volumes and the image are removed in every case.
 */
class ImageRunIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String RUN = "vouch-it-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    static Path tmp;
    private static Podman podman;
    private static String image;
    private static String skip;
    private static final List<String> created = new ArrayList<>();

    @BeforeAll
    static void loadImage() throws Exception {
        try {
            podman = Podman.find(tmp);
        } catch (Podman.Unavailable e) {
            skip = "the image was not run: " + e.getMessage();
            System.err.println("ImageRunIT: " + skip);
            return;
        }
        image = System.getProperty("vouch.image.name");
        podman.run("load", "-q", "-i", System.getProperty("vouch.image.tar", "target/jib-image.tar"));
        Podman.Result probe = podman.exec(List.of("run", "--rm", "--entrypoint", "java", image, "-version"));
        if (!probe.ok()) {
            skip = "podman cannot run a container here: " + probe.output().strip();
            System.err.println("ImageRunIT: the image was not run: " + skip);
        }
    }

    @AfterAll
    static void removeAll() {
        if (podman == null) {
            return;
        }
        for (int i = created.size() - 1; i >= 0; i--) {
            String[] kindName = created.get(i).split(" ", 2);
            podman.remove(kindName[0], kindName[1]);
        }
        if (image != null) {
            podman.remove("image", image);
        }
    }

    @BeforeEach
    void needPodman() {
        Assumptions.assumeTrue(skip == null, skip);
    }

    @Test
    void shouldServeGuardedCallsAsTheComposeServiceOnAFreshVolume() throws Exception {
        Path composeDir = Layout.deploy().resolve("compose");
        Map<String, Object> service = map(Manifests.readOne(composeDir.resolve("compose.yaml")), "services.vouch");
        String agentToken = AccessTokens.newToken();
        Path tokens = tmp.resolve("compose-tokens");
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "refund-bot", agentToken);
        giveTo(tokens, Layout.USER, Layout.USER, "rw-------"); // as docs/DEPLOYMENT.md tells compose users

        String volume = RUN + "-data";
        podman.run("volume", "create", volume);
        created.add("volume " + volume);
        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", RUN + "-compose"));
        if (Boolean.TRUE.equals(service.get("read_only"))) {
            run.add("--read-only");
        }
        strings(service, "cap_drop").forEach(c -> run.add("--cap-drop=" + c));
        strings(service, "security_opt").forEach(o -> run.add("--security-opt=" + o.replace(":true", "")));
        strings(service, "tmpfs").forEach(t -> run.add("--tmpfs=" + t));
        for (String v : strings(service, "volumes")) {
            String[] p = v.split(":");
            String source = p[0].equals("vouch-data") ? volume
                    : p[1].equals(Layout.TOKENS) ? tokens.toString() : composeDir.resolve(p[0]).normalize().toString();
            run.add("-v=" + source + ":" + p[1] + (p.length > 2 ? ":" + p[2] : ""));
        }
        Gateway g = start(run, List.of(), created);

        JsonNode health = json(HTTP.send(httpGet(g.admin, "/healthz"), HttpResponse.BodyHandlers.ofString()), 200);
        assertEquals("ok", health.get("status").asText());
        JsonNode allowed = submit(g, agentToken, "{\"tool\":\"payments.refund\",\"params\":{\"amount\":90,"
                + "\"card\":{\"number\":\"4111111111111111\"}},\"call_id\":\"call-1\"}");
        assertEquals("allowed", allowed.get("status").asText(), allowed.toString());
        long seq = allowed.get("seq").asLong();
        JsonNode done = json(HTTP.send(post(g.gateway, "/v1/calls/" + seq + "/result", agentToken,
                "{\"result\":{\"refund_id\":\"r-77\"}}"), HttpResponse.BodyHandlers.ofString()), 200);
        assertEquals("completed", done.get("status").asText());
        JsonNode blocked = submit(g, agentToken, "{\"tool\":\"shell.exec\",\"params\":{\"cmd\":\"rm -rf /\"}}");
        assertEquals("blocked", blocked.get("status").asText(), blocked.toString());
        String metrics = HTTP.send(httpGet(g.admin, "/metrics"), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("vouch_gateway_calls_total{agent=\"refund-bot\",status=\"blocked\"} 1.0"), metrics);
        assertTrue(metrics.contains("vouch_ledger_events_processed_total{"), metrics);

        String logs = stop(g);
        assertFalse(logs.contains("[CRITICAL]") || logs.contains("Exception"), logs);
        // Every log line is the gateway's own: no JVM warning (an operator's trial found two "Unknown module:
        // jdk.compiler" lines), and no flag the ledger misses (a JDK 23+ test base carries the JDK 23+ flags itself).
        assertFalse(logs.contains("WARNING:"), logs);
        assertFalse(logs.contains("This JVM lacks"), logs);
        // Disk space is reserved ahead of the writes: JNR loads its native stub from /tmp, which container runtimes
        // mount noexec by default (an outside trial found the compose deployment would run without reservation).
        assertFalse(logs.contains("cannot reserve disk space"), logs);

        Path data = Path.of(podman.run("volume", "inspect", "--format", "{{.Mountpoint}}", volume));
        assertEquals(Layout.USER, ((Number) Files.getAttribute(data.resolve("vouch.key"), "unix:uid")).longValue());
        VerifyingKey anchor = publicKeyOf(data.resolve("vouch.key"));
        List<Rec> records = verify(data.resolve("journal"), anchor, 1);
        Rec call = only(records, RecordType.TOOL_CALL, "payments.refund");
        assertEquals("call-1", call.toolCallId);
        assertEquals("refund-bot", call.agent);
        assertFalse(call.params.contains("4111111111111111"), "redacted: " + call.params);
        assertEquals("{\"refund_id\":\"r-77\"}", child(records, call.seq, RecordType.TOOL_RESULT).result);
        Rec refused = only(records, RecordType.TOOL_CALL, "shell.exec");
        assertEquals(Decision.BLOCK, child(records, refused.seq, RecordType.POLICY_DECISION).decision);
        assertTrue(records.stream().noneMatch(r -> r.parent == refused.seq && r.type == RecordType.TOOL_RESULT));
    }

    @Test
    void shouldInstallKubernetesSecretsAndKeepTheRotatedKeyOnTheVolumeAcrossRestarts() throws Exception {
        Map<String, Object> pod = map(Manifests.find(new HelmChart(Layout.deploy().resolve("helm/vouch"))
                .objects("vouch"), "Deployment", "vouch"), "spec.template.spec");
        List<Map<String, Object>> objects = new HelmChart(Layout.deploy().resolve("helm/vouch")).objects("vouch");
        long fsGroup = ((Number) get(pod, "securityContext.fsGroup")).longValue();

        // The volumes as the kubelet lays them out: the Secret root's with fsGroup read (0400 -> 0440), the
        // persistent and emptyDir volumes group-owned by fsGroup with the setgid bit.
        Path first = tmp.resolve("first.key");
        KeyFile.create(first, new SecureRandom());
        VerifyingKey anchor = KeyFile.load(first).verifyingKey(); // the auditor's trust anchor, kept outside
        String agentToken = AccessTokens.newToken();
        String operatorToken = AccessTokens.newToken();
        Path secret = Files.createDirectories(tmp.resolve("k8s/secret"));
        Files.copy(first, secret.resolve("vouch.key"));
        AccessTokens.append(secret.resolve("tokens"), AccessTokens.Role.AGENT, "refund-bot", agentToken);
        AccessTokens.append(secret.resolve("tokens"), AccessTokens.Role.OPERATOR, "alice", operatorToken);
        for (String f : List.of("vouch.key", "tokens")) {
            giveTo(secret.resolve(f), 0, fsGroup, "r--r-----");
        }
        Path journal = volumeDir("k8s/journal", fsGroup);
        Path policy = Files.createDirectories(tmp.resolve("k8s/policy"));
        Map<String, Object> configMap = Manifests.find(objects, "ConfigMap", "vouch-policy");
        for (Map.Entry<String, Object> e : map(configMap, "data").entrySet()) {
            Files.writeString(policy.resolve(e.getKey()), (String) e.getValue());
        }
        Map<String, Path> persistent = Map.of("journal", journal, "policy", policy, "secrets", secret);

        VerifyingKey rotated;
        Gateway g = startPod(pod, persistent, "seeded ");
        try {
            JsonNode call = submit(g, agentToken, "{\"tool\":\"payments.charge\",\"params\":{\"amount\":3}}");
            assertEquals("allowed", call.get("status").asText(), call.toString());
            JsonNode rekey = json(HTTP.send(post(g.gateway, "/v1/admin/rekey", operatorToken, "{}"),
                    HttpResponse.BodyHandlers.ofString()), 200);
            assertEquals(anchor.toString(), rekey.get("previous").asText(), "the gateway signed with the seeded key");
            rotated = VerifyingKey.fromPem(rekey.get("public_key_pem").asText());
            json(HTTP.send(post(g.gateway, "/v1/calls/" + call.get("seq").asLong() + "/result", agentToken,
                    "{\"result\":{\"charged\":3}}"), HttpResponse.BodyHandlers.ofString()), 200);
        } finally {
            stop(g);
        }
        // What the kubelet does to a volume's files when fsGroupChangePolicy is Always; the init container undoes it.
        Files.setPosixFilePermissions(journal.resolve("vouch.key"), PosixFilePermissions.fromString("rw-rw----"));
        g = startPod(pod, persistent, "kept /var/lib/vouch/vouch.key (mode 0660 tightened to 0600)");
        try {
            JsonNode after = submit(g, agentToken, "{\"tool\":\"payments.charge\",\"params\":{\"amount\":4}}");
            assertEquals("allowed", after.get("status").asText(), after.toString());
            json(HTTP.send(post(g.gateway, "/v1/calls/" + after.get("seq").asLong() + "/result", agentToken,
                    "{\"result\":{\"charged\":4}}"), HttpResponse.BodyHandlers.ofString()), 200);
        } finally {
            stop(g);
        }
        assertEquals(rotated, publicKeyOf(journal.resolve("vouch.key")), "the volume keeps the rotated key");
        List<Rec> records = verify(journal.resolve("journal"), anchor, 2);
        assertEquals(2, records.stream().filter(r -> r.type == RecordType.TOOL_RESULT).count());
    }

    // ---- running the chart's pod

    /** Runs the pod's init container to completion (its output must contain {@code initSays}), then its gateway. */
    private Gateway startPod(Map<String, Object> pod, Map<String, Path> persistent, String initSays) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 6);
        long fsGroup = ((Number) get(pod, "securityContext.fsGroup")).longValue();
        Map<String, Path> volumes = new java.util.HashMap<>(persistent);
        for (Map<String, Object> v : maps(pod, "volumes")) {
            if (v.containsKey("emptyDir")) {
                volumes.put((String) v.get("name"), volumeDir("k8s/" + id + "-" + v.get("name"), fsGroup));
            }
        }
        Map<String, Object> init = maps(pod, "initContainers").get(0);
        List<String> run = podmanRun(pod, init, volumes, RUN + "-init-" + id);
        run.set(1, "--rm"); // in the foreground, to completion: "run", "-d" -> "run", "--rm"
        List<String> command = strings(init, "command");
        int at = run.indexOf(image);
        run.add(at, "--entrypoint=" + command.get(0));
        run.addAll(command.subList(1, command.size()));
        run.addAll(strings(init, "args"));
        Podman.Result r = podman.exec(run);
        assertTrue(r.ok() && r.output().contains(initSays), "init container: " + r.output());

        Map<String, Object> vouch = named(maps(pod, "containers"), "vouch");
        List<String> gateway = podmanRun(pod, vouch, volumes, RUN + "-vouch-" + id);
        for (Map<String, Object> p : maps(vouch, "ports")) {
            gateway.add(gateway.indexOf(image), "-p=127.0.0.1::" + p.get("containerPort"));
        }
        return start(gateway.subList(0, gateway.indexOf(image)), strings(vouch, "args"), created);
    }

    /** {@code podman run} options from a container spec: user, groups, read-only root, capabilities, mounts. */
    private static List<String> podmanRun(Map<String, Object> pod, Map<String, Object> c, Map<String, Path> volumes,
            String name) {
        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", name,
                "--user=" + get(pod, "securityContext.runAsUser") + ":" + get(pod, "securityContext.runAsGroup"),
                "--group-add=" + get(pod, "securityContext.fsGroup")));
        if (Boolean.TRUE.equals(get(c, "securityContext.readOnlyRootFilesystem"))) {
            run.add("--read-only");
        }
        if (Boolean.FALSE.equals(get(c, "securityContext.allowPrivilegeEscalation"))) {
            run.add("--security-opt=no-new-privileges");
        }
        strings(c, "securityContext.capabilities.drop").forEach(cap -> run.add("--cap-drop=" + cap));
        for (Map<String, Object> m : maps(c, "volumeMounts")) {
            Path host = volumes.get((String) m.get("name"));
            run.add("-v=" + host + ":" + m.get("mountPath") + (Boolean.TRUE.equals(m.get("readOnly")) ? ":ro" : ""));
        }
        run.add(image);
        return run;
    }

    // ---- containers

    /** A started gateway container and where its ports are published. */
    private record Gateway(String name, URI gateway, URI admin) {
    }

    /** Starts {@code image args} with {@code options}, waits until {@code /readyz} answers 200. */
    private static Gateway start(List<String> options, List<String> args, List<String> cleanup) throws Exception {
        List<String> run = new ArrayList<>(options);
        String name = run.get(run.indexOf("--name") + 1);
        cleanup.add("container " + name);
        if (run.stream().noneMatch(o -> o.startsWith("-p=") || o.equals("-p"))) {
            run.add("-p=127.0.0.1::9999");
            run.add("-p=127.0.0.1::9998");
        }
        run.add(image);
        run.addAll(args);
        podman.run(run.toArray(String[]::new));
        URI gateway = published(name, 9999);
        URI admin = published(name, 9998);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (HTTP.send(httpGet(admin, "/readyz"), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return new Gateway(name, gateway, admin);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            String state = podman.run("inspect", "--format", "{{.State.Status}}", name);
            if (!state.equals("running") || System.nanoTime() > deadline) {
                throw new AssertionError("the gateway did not become ready (" + state + "):\n" + podman.run("logs", name));
            }
            Thread.sleep(200);
        }
    }

    private static URI published(String name, int port) throws Exception {
        String hostPort = podman.run("port", name, port + "/tcp").lines().findFirst().orElseThrow();
        return URI.create("http://" + hostPort.replace("0.0.0.0", "127.0.0.1"));
    }

    /** SIGTERM, as an orchestrator stops it; the exit status must be a clean one. Returns its log. */
    private static String stop(Gateway g) throws Exception {
        podman.run("stop", "-t", "30", g.name);
        String exit = podman.run("inspect", "--format", "{{.State.ExitCode}}", g.name);
        String logs = podman.run("logs", g.name);
        assertTrue(exit.equals("0") || exit.equals("143"), "exit " + exit + ":\n" + logs);
        return logs;
    }

    // ---- HTTP

    private static HttpRequest httpGet(URI base, String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build();
    }

    private static HttpRequest post(URI base, String path, String token, String body) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static JsonNode submit(Gateway g, String token, String body) throws Exception {
        return json(HTTP.send(post(g.gateway, "/v1/calls", token, body), HttpResponse.BodyHandlers.ofString()), 200);
    }

    private static JsonNode json(HttpResponse<String> r, int status) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    // ---- files and the journal

    private static void giveTo(Path file, long uid, long gid, String mode) throws IOException {
        Files.setAttribute(file, "unix:uid", (int) uid);
        Files.setAttribute(file, "unix:gid", (int) gid);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    /** A directory as the kubelet prepares a volume for fsGroup: root's, group fsGroup, rwxrwsr-x. */
    private static Path volumeDir(String name, long fsGroup) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.setAttribute(d, "unix:gid", (int) fsGroup);
        Files.setAttribute(d, "unix:mode", 02775);
        return d;
    }

    /** The public key of a key file the container owns (read as root, checked as the auditor's copy). */
    private static VerifyingKey publicKeyOf(Path keyFile) throws IOException {
        Path copy = tmp.resolve("auditor-" + UUID.randomUUID() + ".key");
        Files.copy(keyFile, copy);
        Files.setAttribute(copy, "unix:uid", 0);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
        return KeyFile.load(copy).verifyingKey();
    }

    /** One event record, as read back. */
    private record Rec(long seq, RecordType type, long parent, Decision decision, String agent, String name,
            String toolCallId, String params, String result) {
    }

    private static List<Rec> verify(Path journal, VerifyingKey anchor, int keys) throws IOException {
        VerificationReport report;
        try (RecordSource source = JournalReader.open(journal)) {
            report = JournalVerifier.trusting(anchor).verify(source);
        }
        assertEquals(Verdict.INTACT, report.verdict(), report.verdictReason() + " " + report.failures());
        assertTrue(report.sealed(), "the stopped gateway sealed its journal");
        assertEquals(keys, report.keys().size(), "signing keys: " + report.keys());
        List<Rec> out = new ArrayList<>();
        RecordView v = new RecordView();
        RecordBuffer buf = new RecordBuffer(4096);
        try (RecordSource source = JournalReader.open(journal)) {
            while (source.next(buf)) {
                v.wrap(buf.data(), buf.length());
                if (v.type().isEvent()) {
                    out.add(new Rec(v.sequence(), v.type(), v.parent(), v.decision(), v.agent(), v.name(), v.toolCallId(),
                            new String(v.params(), StandardCharsets.UTF_8), new String(v.result(), StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    private static Rec only(List<Rec> records, RecordType type, String name) {
        List<Rec> found = records.stream().filter(r -> r.type == type && r.name.equals(name)).toList();
        assertEquals(1, found.size(), type + " " + name + " in " + records);
        return found.get(0);
    }

    private static Rec child(List<Rec> records, long parent, RecordType type) {
        return records.stream().filter(r -> r.parent == parent && r.type == type).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " under " + parent + " in " + records));
    }
}
