package dev.vouch.image;

import dev.vouch.ledger.Ledger;
import dev.vouch.server.AccessTokens;
import dev.vouch.server.Gateway;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names a real gateway exposes on its admin port: one is started on a fresh ledger, makes one guarded call
 * (so the per-route request timers exist too), and its {@code /metrics} is scraped. What dashboards and alerts may
 * name, checked against the thing itself rather than a list.
 */
final class LiveMetrics {
    private LiveMetrics() {
    }

    static Set<String> scrape(Path tmp) throws IOException, InterruptedException {
        Path policy = tmp.resolve("policy.yaml");
        Files.writeString(policy, "version: \"2026.1\"\ndefaults:\n  default_action: allow\n");
        Path tokens = tmp.resolve("tokens");
        String token = AccessTokens.newToken();
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "bot", token);
        HttpClient http = HttpClient.newHttpClient();
        try (Ledger ledger = Ledger.builder(tmp.resolve("journal")).keyFile(tmp.resolve("key")).shutdownHook(false)
                .open();
                Gateway gateway = Gateway.builder(ledger).policy(policy).tokens(tokens).port(0).adminPort(0).start()) {
            HttpResponse<String> call = http.send(HttpRequest.newBuilder(gateway.uri().resolve("/v1/calls"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tool\":\"echo\",\"params\":{}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (call.statusCode() != 200) {
                throw new AssertionError("the gateway answered " + call.statusCode() + ": " + call.body());
            }
            String text = http.send(HttpRequest.newBuilder(gateway.adminUri().resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Set<String> names = new TreeSet<>();
            for (String line : text.split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
            return names;
        }
    }
}
