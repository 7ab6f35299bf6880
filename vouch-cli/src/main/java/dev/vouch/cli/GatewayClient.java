package dev.vouch.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vouch.internal.SafeText;
import dev.vouch.internal.SecretFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Option;

/**
 * The operator's side of the running gateway (docs/GATEWAY.md): where it is, the operator token, and requests with
 * JSON answers. A picocli mixin, so that approve, reject, approvals and rekey take the same options. The token comes
 * from a file (owner-only, like a key) or the {@code VOUCH_TOKEN} environment variable, never from the command line,
 * where other users could read it in the process list.
 */
final class GatewayClient {
    static final String TOKEN_ENV = "VOUCH_TOKEN";
    private static final JsonFactory JSON = new JsonFactory();

    /** An answer: the HTTP status and the body parsed. */
    record Reply(int status, String body, Map<String, Object> json) {
        String errorCode() {
            Object e = json.get("error");
            return e instanceof Map<?, ?> m ? String.valueOf(m.get("code")) : null;
        }

        String errorMessage() {
            Object e = json.get("error");
            return e instanceof Map<?, ?> m ? String.valueOf(m.get("message")) : body;
        }
    }

    @Option(names = "--server", defaultValue = "http://127.0.0.1:9999", paramLabel = "URL",
            description = "The running gateway. Default: ${DEFAULT-VALUE}.")
    URI server;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the operator token (mode 0600). Default: the " + TOKEN_ENV
                    + " environment variable.")
    Path tokenFile;

    @Option(names = "--cacert", paramLabel = "PEM",
            description = "Trust this certificate (or CA) for an https gateway with a certificate of its own.")
    Path cacert;

    /** Where the environment comes from; tests replace it. */
    static java.util.function.Function<String, String> env = System::getenv;

    Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private URI uri(String path) {
        String base = server.toString().replaceAll("/+$", "");
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw new CliException("--server must be an http:// or https:// URL, not " + server);
        }
        return URI.create(base + path);
    }

    private Reply send(HttpRequest.Builder request) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (cacert != null) {
            b.sslContext(trusting(cacert));
        }
        HttpResponse<String> r;
        try {
            r = b.build().send(request.timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token())
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new CliException("cannot reach the gateway at " + server + ": connection refused (is 'vouch serve'"
                    + " running there?)", e);
        } catch (javax.net.ssl.SSLHandshakeException e) {
            // Java's own text names its certificate path classes; what helps is which option to give.
            boolean untrusted = String.valueOf(e.getMessage()).contains("PKIX");
            throw new CliException("cannot talk to the gateway at " + server + " over TLS: "
                    + (untrusted ? "its certificate is not trusted" : "the TLS handshake failed")
                    + (cacert == null ? "; for a self-signed certificate or a private CA, give it with --cacert PEM"
                            : "; --cacert " + cacert + " does not vouch for it"), e);
        } catch (javax.net.ssl.SSLException e) {
            // HTTPS to a plain HTTP port: "Unsupported or unrecognized SSL message".
            throw new CliException("cannot talk to the gateway at " + server + " over TLS: "
                    + (String.valueOf(e.getMessage()).contains("nrecognized SSL message")
                            ? "it does not answer in TLS; if it serves plain HTTP, give --server http://..."
                            : Errors.describe(e)), e);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).startsWith("parsing HTTP/1.1 status line")) {
                // Plain HTTP to a TLS port: Java's text quotes the TLS alert's bytes and its parser's state.
                throw new CliException("cannot talk to the gateway at " + server + ": its answer is not HTTP"
                        + (String.valueOf(server).startsWith("http:") ? "; if it serves HTTPS (vouch serve --tls-cert),"
                                + " give --server https://..." : ""), e);
            }
            throw new CliException("cannot talk to the gateway at " + server + ": " + Errors.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for the gateway", e);
        }
        Map<String, Object> json;
        try {
            json = parse(r.body());
        } catch (IOException | ClassCastException e) {
            throw new CliException("the server at " + server + " did not answer with JSON (HTTP " + r.statusCode()
                    + "); is it a Vouch gateway?");
        }
        Reply reply = new Reply(r.statusCode(), r.body(), json);
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new CliException("the gateway refused the token (" + reply.errorCode() + "): " + reply.errorMessage());
        }
        return reply;
    }

    /** Any other error answer: one line naming the gateway's code and message (exit 2). */
    static CliException failed(Reply r) {
        return new CliException("the gateway answered HTTP " + r.status() + " (" + r.errorCode() + "): "
                + r.errorMessage());
    }

    private String token() {
        String t;
        if (tokenFile != null) {
            try {
                if (SecretFiles.isPosix(tokenFile)) {
                    SecretFiles.checkPrivate(tokenFile, Files.readAttributes(tokenFile, PosixFileAttributes.class),
                            "token file");
                }
                t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CliException("cannot read the token: " + Errors.describe(e), e);
            }
        } else {
            t = env.apply(TOKEN_ENV);
            if (t == null || t.isBlank()) {
                throw new CliException("no operator token: pass --token-file FILE or set " + TOKEN_ENV);
            }
            t = t.strip();
        }
        if (t.isEmpty() || t.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new CliException("the token must be one line of printable ASCII (what 'vouch token' printed)");
        }
        return t;
    }

    private static SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new CliException("cannot read --cacert: " + Errors.describe(e), e);
        } catch (GeneralSecurityException e) {
            throw new CliException(pem + ": not a PEM certificate: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String text) throws IOException {
        try (JsonParser p = JSON.createParser(text)) {
            return (Map<String, Object>) read(p, p.nextToken());
        }
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            throw new IOException("empty");
        }
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    m.put(p.currentName(), read(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    l.add(read(p, v));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + t);
        }
    }

    /** A value read by {@link #parse}, written back as compact JSON. */
    static String toJson(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return quote(s);
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(b.length() > 1 ? "," : "").append(quote(String.valueOf(e.getKey()))).append(':')
                        .append(toJson(e.getValue()));
            }
            return b.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (Object o : l) {
                b.append(b.length() > 1 ? "," : "").append(toJson(o));
            }
            return b.append(']').toString();
        }
        return String.valueOf(v);
    }

    /**
     * A JSON string literal that is also safe to print: control and format characters and lone surrogates are
     * written as JSON escapes ({@link SafeText#unprintable}), so the text needs no second escaping (which turned a
     * parameter's {@code \n} into {@code \\u000a} in {@code vouch approvals}: read as JSON, a literal backslash).
     */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                b.append("\\\"");
            } else if (c == '\\') {
                b.append("\\\\");
            } else if (SafeText.unprintable(s, i)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
