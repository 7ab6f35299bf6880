package dev.vouch.server;

import dev.vouch.guard.TestJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A gateway on a real ledger in a temporary directory, on free loopback ports, with two agents and an operator, and a
 * client for each. {@link #close()} stops the gateway and verifies the journal INTACT.
 */
final class GatewayFixture implements AutoCloseable {
    static final String POLICY = String.join("\n",
            "version: \"2026.1\"",
            "defaults:",
            "  default_action: block",
            "  approval_timeout: 30s",
            "policies:",
            "  - id: big-refunds",
            "    match_methods: [\"payments.refund\"]",
            "    conditions:",
            "      - {key: amount, operator: gt, value: 500}",
            "    action: stall",
            "    risk_level: high",
            "    reason: refunds over 500 need a person",
            "  - id: quick-stall",
            "    match_methods: [\"ops.restart\"]",
            "    action: stall",
            "    approval_timeout: 1s",
            "  - id: no-deletes",
            "    match_methods: [\"fs.delete\"]",
            "    action: block",
            "    reason: deletes are never allowed",
            "  - id: work",
            "    match_methods: [\"fs.*\", \"crm.*\", \"payments.*\"]",
            "    action: allow",
            "");

    final Path tmp;
    final TestJournal journal;
    final Path policyFile;
    final Path tokensFile;
    final String agentToken = AccessTokens.newToken();
    final String otherToken = AccessTokens.newToken();
    final String operatorToken = AccessTokens.newToken();
    final Gateway gateway;
    final Http http;

    GatewayFixture(Path tmp) {
        this(tmp, b -> b);
    }

    GatewayFixture(Path tmp, UnaryOperator<GatewayBuilder> settings) {
        this.tmp = tmp;
        try {
            policyFile = Files.writeString(tmp.resolve("vouch-policy.yaml"), POLICY);
            tokensFile = tmp.resolve("tokens");
            AccessTokens.append(tokensFile, AccessTokens.Role.AGENT, "refund-bot", agentToken);
            AccessTokens.append(tokensFile, AccessTokens.Role.AGENT, "other-bot", otherToken);
            AccessTokens.append(tokensFile, AccessTokens.Role.OPERATOR, "alice", operatorToken);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        journal = new TestJournal(tmp);
        try {
            gateway = settings.apply(Gateway.builder(journal.ledger).policy(policyFile).tokens(tokensFile).port(0)
                    .adminPort(0).policyPollInterval(Duration.ofMillis(50)).drainTimeout(Duration.ofMillis(100)))
                    .start();
        } catch (RuntimeException e) {
            journal.closeAndVerify();
            throw e;
        }
        http = new Http(gateway.uri());
    }

    Http.Reply submit(String json) {
        return http.post("/v1/calls", agentToken, json);
    }

    Http.Reply report(long seq, String json) {
        return http.post("/v1/calls/" + seq + "/result", agentToken, json);
    }

    Http.Reply poll(long seq, long waitMs) {
        return http.get("/v1/calls/" + seq + "?wait_ms=" + waitMs, agentToken);
    }

    Http.Reply decide(long seq, String decision, String reason) {
        return http.post("/v1/approvals/" + seq, operatorToken,
                "{\"decision\":\"" + decision + "\",\"reason\":\"" + reason + "\"}");
    }

    Http admin() {
        return new Http(gateway.adminUri());
    }

    @Override
    public void close() {
        gateway.close();
        journal.closeAndVerify();
    }
}
