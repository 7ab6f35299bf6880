package dev.vouch.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A client of the gateway for tests: the JDK's HTTP client, one JSON body per answer. */
final class Http {
    /** An answer: status, body, and the body parsed. */
    record Reply(int status, String body, HttpResponse<String> raw) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return (Map<String, Object>) Json.parse(body);
        }

        Object get(String member) {
            return json().get(member);
        }

        long seq() {
            return (Long) get("seq");
        }

        String status(String unused) {
            return (String) get("status");
        }

        @SuppressWarnings("unchecked")
        String errorCode() {
            return (String) ((Map<String, Object>) get("error")).get("code");
        }

        @SuppressWarnings("unchecked")
        String errorMessage() {
            return (String) ((Map<String, Object>) get("error")).get("message");
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list(String member) {
            return (List<Map<String, Object>>) get(member);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final URI base;
    private final HttpClient client;

    Http(URI base) {
        this(base, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
    }

    Http(URI base, HttpClient client) {
        this.base = base;
        this.client = client;
    }

    Reply post(String path, String token, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        return send(token == null ? b : b.header("Authorization", "Bearer " + token));
    }

    Reply get(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(90)).GET();
        return send(token == null ? b : b.header("Authorization", "Bearer " + token));
    }

    Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
