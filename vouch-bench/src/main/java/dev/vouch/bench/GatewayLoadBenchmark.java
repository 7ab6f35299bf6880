package dev.vouch.bench;

import dev.vouch.crypto.VerifyingKey;
import dev.vouch.internal.format.RecordType;
import dev.vouch.internal.format.RecordView;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.policy.Policy;
import dev.vouch.server.AccessTokens;
import dev.vouch.server.Gateway;
import dev.vouch.verify.JournalVerifier;
import dev.vouch.verify.RecordBuffer;
import dev.vouch.verify.RecordSource;
import dev.vouch.verify.VerificationReport;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP gateway under load, on loopback: {@code clients} keep-alive connections (32 by default), each making one
 * guarded call after another as an agent in another language would, i.e. two requests per call: submit an allowed call
 * ({@code POST /v1/calls}, TOOL_CALL and ALLOW journaled before the answer), then report its result
 * ({@code POST /v1/calls/{seq}/result}, TOOL_RESULT journaled before the answer). Counted: completed calls per
 * second in each measured iteration (mean ± the 99.9 % confidence interval over iterations, as JMH reports), and the
 * p50/p99/p99.9 of a whole call and of the submit alone, and the CPU time the whole process (clients included)
 * spends per call, which depends far less than throughput on what else the machine runs. The clients are minimal blocking HTTP/1.1 clients on raw
 * sockets (like wrk: nothing of theirs to measure), in the same JVM as the gateway, so both share the machine's cores.
 * Bounded in count and time: {@code warmup} seconds, then {@code iterations} × {@code seconds}. At the end the journal
 * is read back: every call the gateway acknowledged must be in it with its result, and it must verify INTACT, or the
 * run fails. A harness rather than JMH because the load needs its own clients and the check needs the whole run.
 *
 * <pre>
 * java $(unzip -p vouch-bench/target/benchmarks.jar dev/vouch/bench/jvm-flags.txt) \
 *     -cp vouch-bench/target/benchmarks.jar dev.vouch.bench.GatewayLoadBenchmark [clients] [iterations] [seconds] [warmup] [threads]
 * </pre>
 */
public final class GatewayLoadBenchmark {
    /** Student's t for a two-sided 99.9 % interval, by degrees of freedom 1..10 (JMH's interval). */
    private static final double[] T_999 = {Double.NaN, 636.62, 31.599, 12.924, 8.610, 6.869, 5.959, 5.408, 5.041,
        4.781, 4.587};

    private GatewayLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean baseline = args.length > 0 && args[0].equals("jetty");
        if (args.length > 0 && (baseline || args[0].equals("gateway"))) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        int clients = arg(args, 0, 32);
        int iterations = arg(args, 1, 3);
        int seconds = arg(args, 2, 10);
        int warmup = arg(args, 3, 15); // C2 needs about that long for the whole request path
        int threads = arg(args, 4, 64);
        if (iterations < 1 || iterations > 10 || seconds < 1 || seconds > 60 || clients < 1 || clients > 256) {
            throw new IllegalArgumentException("clients 1..256, iterations 1..10, seconds 1..60");
        }
        if (baseline) {
            org.eclipse.jetty.server.Server jetty = BareJetty.start(threads);
            URI uri = URI.create("http://127.0.0.1:" + ((org.eclipse.jetty.server.ServerConnector) jetty.getConnectors()[0])
                    .getLocalPort());
            System.out.printf(Locale.ROOT, "bare Jetty %s, %d clients, %d request threads, %d processors; warm-up %d s,"
                    + " then %d x %d s%n", uri, clients, threads, Runtime.getRuntime().availableProcessors(), warmup,
                    iterations, seconds);
            load(uri, "no-token", clients, iterations, seconds, warmup);
            jetty.stop();
            return;
        }
        Path dir = Files.createTempDirectory("vouch-gateway-load");
        String token = AccessTokens.newToken();
        Path tokens = dir.resolve("tokens");
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "bench-agent", token);
        Ledger ledger = Ledger.builder(dir.resolve("journal")).keyFile(dir.resolve(".vouch_key"))
                .origin("bench.vouch.dev/gateway").shutdownHook(false).open();
        VerifyingKey anchor = ledger.verifyingKey();
        // The policy of the in-process guard-call benchmark, so the two measure the same decision.
        Gateway gateway = Gateway.builder(ledger).policy(Policy.parse(GuardCallBenchmark.POLICY, "bench-policy.yaml"))
                .tokens(tokens).port(0).adminPort(-1).threads(threads).recoverPending(false).start();
        System.out.printf(Locale.ROOT, "gateway %s, %d clients, %d request threads, %d processors; warm-up %d s, then"
                + " %d x %d s%n", gateway.uri(), clients, threads, Runtime.getRuntime().availableProcessors(), warmup,
                iterations, seconds);

        Client[] cs = load(gateway.uri(), token, clients, iterations, seconds, warmup);

        gateway.close();
        ledger.close();
        Set<Long> acknowledged = new HashSet<>();
        Set<Long> reported = new HashSet<>();
        long failures = 0;
        for (Client c : cs) {
            acknowledged.addAll(c.submitted);
            reported.addAll(c.reported);
            failures += c.failures;
        }
        check(dir.resolve("journal"), anchor, acknowledged, reported, failures);
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) { // a passed run leaves nothing behind
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Runs the clients against {@code uri}: warm-up, then the measured iterations; prints the results. */
    private static Client[] load(URI uri, String token, int clients, int iterations, int seconds, int warmup)
            throws InterruptedException {
        Client[] cs = new Client[clients];
        for (int i = 0; i < clients; i++) {
            cs[i] = new Client(uri, token, i);
        }
        CountDownLatch done = new CountDownLatch(clients);
        List<Thread> ts = new ArrayList<>();
        for (Client c : cs) {
            Thread t = new Thread(() -> {
                try {
                    c.run();
                } finally {
                    done.countDown();
                }
            }, "load-client-" + c.id);
            t.start();
            ts.add(t);
        }
        Phase.current = Phase.WARMUP;
        Thread.sleep(warmup * 1000L);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long callsMeasured = 0;
        double[] rates = new double[iterations];
        List<long[]> callLat = new ArrayList<>();
        List<long[]> submitLat = new ArrayList<>();
        for (int it = 0; it < iterations; it++) {
            for (Client c : cs) {
                c.startIteration();
            }
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long calls = 0;
            List<long[]> itCall = new ArrayList<>();
            for (Client c : cs) {
                Client.Sample s = c.endIteration();
                calls += s.calls;
                itCall.add(s.callNanos);
                callLat.add(s.callNanos);
                submitLat.add(s.submitNanos);
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            rates[it] = calls / elapsed;
            callsMeasured += calls;
            long[] sorted = merge(itCall);
            System.out.printf(Locale.ROOT, "iteration %d: %,.0f calls/s (%,.0f requests/s), p50 %.0f us, p99 %.0f us%n",
                    it + 1, rates[it], 2 * rates[it], pct(sorted, 0.50) / 1e3, pct(sorted, 0.99) / 1e3);
        }
        long cpu = os.getProcessCpuTime() - cpu0;
        Phase.current = Phase.STOP;
        done.await();
        for (Thread t : ts) {
            t.join();
        }
        long[] calls = merge(callLat);
        long[] submits = merge(submitLat);
        double mean = Arrays.stream(rates).average().orElse(0);
        double sd = Math.sqrt(Arrays.stream(rates).map(r -> (r - mean) * (r - mean)).sum() / Math.max(1, iterations - 1));
        String err = iterations > 1 ? String.format(Locale.ROOT, "%,.0f", T_999[iterations - 1] * sd / Math.sqrt(iterations))
                : "n/a";
        System.out.printf(Locale.ROOT, "RESULT guarded calls/s: %,.0f ± %s (99.9 %% CI, %d iterations of %d s; sd %,.0f)%n",
                mean, err, iterations, seconds, sd);
        System.out.printf(Locale.ROOT, "RESULT call (submit + report) latency: p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max"
                + " %.1f ms (%,d calls)%n", pct(calls, .5) / 1e3, pct(calls, .99) / 1e3, pct(calls, .999) / 1e3,
                calls.length == 0 ? 0 : calls[calls.length - 1] / 1e6, calls.length);
        System.out.printf(Locale.ROOT, "RESULT submit latency: p50 %.0f us, p99 %.0f us, p99.9 %.0f us%n",
                pct(submits, .5) / 1e3, pct(submits, .99) / 1e3, pct(submits, .999) / 1e3);
        System.out.printf(Locale.ROOT, "RESULT CPU per call (whole process, clients included): %.0f us%n",
                callsMeasured == 0 ? 0 : cpu / 1e3 / callsMeasured);
        return cs;
    }

    private static void check(Path journal, VerifyingKey anchor, Set<Long> acknowledged, Set<Long> reported,
            long failures) throws IOException {
        Set<Long> callsOnRecord = new HashSet<>();
        Set<Long> resultsOnRecord = new HashSet<>();
        RecordView v = new RecordView();
        RecordBuffer buf = new RecordBuffer(4096);
        try (RecordSource source = JournalReader.open(journal)) {
            while (source.next(buf)) {
                v.wrap(buf.data(), buf.length());
                if (v.type() == RecordType.TOOL_CALL) {
                    callsOnRecord.add(v.sequence());
                } else if (v.type() == RecordType.TOOL_RESULT) {
                    resultsOnRecord.add(v.parent());
                }
            }
        }
        VerificationReport r;
        try (RecordSource source = JournalReader.open(journal)) {
            r = JournalVerifier.trusting(anchor).verify(source);
        }
        boolean lost = !callsOnRecord.containsAll(acknowledged) || !resultsOnRecord.containsAll(reported);
        System.out.printf(Locale.ROOT, "CHECK %,d calls acknowledged, %,d on record; %,d results acknowledged, %,d on"
                + " record; %d failed requests; journal %s (%,d records)%n", acknowledged.size(), callsOnRecord.size(),
                reported.size(), resultsOnRecord.size(), failures, r.verdict(), r.records());
        if (lost || failures > 0 || r.verdict() != dev.vouch.verify.Verdict.INTACT) {
            System.out.println("FAILED: " + (lost ? "acknowledged calls or results are missing from the journal; " : "")
                    + r.verdictReason());
            System.exit(1);
        }
    }

    /** The baseline server: Jetty alone, answering every request with a fixed body of the gateway's shape. */
    private static final class BareJetty extends org.eclipse.jetty.server.Handler.Abstract {
        private static final byte[] SUBMITTED = "{\"seq\":1,\"status\":\"allowed\",\"agent\":\"bench-agent\",\"tool\":\"fs.read\",\"decision\":\"allow\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        private static final byte[] REPORTED = "{\"seq\":1,\"status\":\"completed\",\"recorded\":\"tool_result\"}\n"
                .getBytes(StandardCharsets.UTF_8);

        static org.eclipse.jetty.server.Server start(int threads) throws Exception {
            org.eclipse.jetty.util.thread.QueuedThreadPool pool =
                    new org.eclipse.jetty.util.thread.QueuedThreadPool(threads, Math.min(threads, 8));
            pool.setDaemon(true);
            org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server(pool);
            org.eclipse.jetty.server.ServerConnector c = new org.eclipse.jetty.server.ServerConnector(server, 1, 1);
            c.setHost("127.0.0.1");
            c.setPort(0);
            server.addConnector(c);
            server.setHandler(new BareJetty());
            server.start();
            return server;
        }

        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                org.eclipse.jetty.util.Callback callback) throws Exception {
            try (InputStream in = org.eclipse.jetty.server.Request.asInputStream(request)) {
                in.readNBytes(new byte[(int) Math.max(0, request.getLength())], 0, (int) Math.max(0, request.getLength()));
            }
            response.getHeaders().put("Content-Type", "application/json");
            byte[] body = request.getHttpURI().getPath().endsWith("/result") ? REPORTED : SUBMITTED;
            response.write(true, java.nio.ByteBuffer.wrap(body), callback);
            return true;
        }
    }

    private enum Phase {
        WARMUP, STOP;
        static volatile Phase current = WARMUP;
    }

    /** One keep-alive connection making one call after another. */
    private static final class Client {
        record Sample(long calls, long[] callNanos, long[] submitNanos) {
        }

        final int id;
        private final URI uri;
        private final String token;
        final List<Long> submitted = new ArrayList<>();
        final List<Long> reported = new ArrayList<>();
        long failures;
        private final AtomicInteger iterationFlag = new AtomicInteger(); // 0 warm-up, 1 measuring
        private long[] callNanos = new long[1 << 16];
        private long[] submitNanos = new long[1 << 16];
        private int n;
        private long calls;

        Client(URI uri, String token, int id) {
            this.uri = uri;
            this.token = token;
            this.id = id;
        }

        synchronized void startIteration() {
            n = 0;
            calls = 0;
            iterationFlag.set(1);
        }

        synchronized Sample endIteration() {
            iterationFlag.set(0);
            return new Sample(calls, Arrays.copyOf(callNanos, n), Arrays.copyOf(submitNanos, n));
        }

        void run() {
            try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
                byte[] buf = new byte[8192];
                for (long i = 0; Phase.current != Phase.STOP; i++) {
                    byte[] body = ("{\"tool\":\"fs.read\",\"params\":{\"path\":\"/srv/data/report.csv\",\"limit\":100,"
                            + "\"client\":" + id + ",\"i\":" + i + "},\"call_id\":\"c" + id + "-" + i + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    long t0 = System.nanoTime();
                    String answer = exchange(out, in, buf, "/v1/calls", body);
                    long t1 = System.nanoTime();
                    long seq = seq(answer);
                    if (seq < 0) {
                        failures++;
                        continue;
                    }
                    submitted.add(seq);
                    String ok = exchange(out, in, buf, "/v1/calls/" + seq + "/result",
                            "{\"result\":{\"rows\":100,\"bytes\":4096}}".getBytes(StandardCharsets.UTF_8));
                    long t2 = System.nanoTime();
                    if (!ok.contains("\"recorded\":\"tool_result\"")) {
                        failures++;
                        continue;
                    }
                    reported.add(seq);
                    synchronized (this) {
                        if (iterationFlag.get() == 1) {
                            if (n == callNanos.length) {
                                callNanos = Arrays.copyOf(callNanos, n * 2);
                                submitNanos = Arrays.copyOf(submitNanos, n * 2);
                            }
                            callNanos[n] = t2 - t0;
                            submitNanos[n] = t1 - t0;
                            n++;
                            calls++;
                        }
                    }
                }
            } catch (IOException e) {
                failures++;
                e.printStackTrace();
            }
        }

        private String exchange(OutputStream out, InputStream in, byte[] buf, String path, byte[] body)
                throws IOException {
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] req = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, req, head.length, body.length);
            out.write(req);
            out.flush();
            int length = -1;
            StringBuilder line = new StringBuilder();
            while (true) {
                line.setLength(0);
                for (int c; (c = in.read()) != '\n'; ) {
                    if (c < 0) {
                        throw new IOException("connection closed");
                    }
                    if (c != '\r') {
                        line.append((char) c);
                    }
                }
                if (line.length() == 0) {
                    break;
                }
                if (line.length() > 15 && line.substring(0, 15).equalsIgnoreCase("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            if (length < 0 || length > buf.length) {
                throw new IOException("unexpected response length " + length);
            }
            int read = 0;
            while (read < length) {
                int r = in.read(buf, read, length - read);
                if (r < 0) {
                    throw new IOException("connection closed");
                }
                read += r;
            }
            return new String(buf, 0, length, StandardCharsets.UTF_8);
        }

        private static long seq(String json) {
            int i = json.indexOf("\"seq\":");
            if (i < 0 || !json.contains("\"status\":\"allowed\"")) {
                return -1;
            }
            int j = i + 6;
            int k = j;
            while (k < json.length() && Character.isDigit(json.charAt(k))) {
                k++;
            }
            return Long.parseLong(json.substring(j, k));
        }
    }

    private static long[] merge(List<long[]> parts) {
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }

    private static int arg(String[] args, int i, int def) {
        return args.length > i ? Integer.parseInt(args[i]) : def;
    }
}
