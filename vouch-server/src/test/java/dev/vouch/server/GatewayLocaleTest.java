package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in a C locale (no LANG, as in many containers and systemd units): its log lines keep non-ASCII names
 * in UTF-8. An outside trial's JDK 17 wrote "Waiting for approval of ?deme.iade": the JVM encoded standard error in
 * ASCII, and no log shipper can undo a question mark.
 */
class GatewayLocaleTest {
    @TempDir
    Path tmp;

    @Test
    void shouldLogNonAsciiNamesInUtf8InACLocale() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), "version: \"2026.1\"\ndefaults:\n"
                + "  default_action: allow\npolicies:\n"
                + "  - {id: iade-büyük, match_methods: [\"ödeme.*\"], action: stall, risk_level: high}\n");
        Path tokens = tmp.resolve("tokens");
        String agent = AccessTokens.newToken();
        AccessTokens.append(tokens, AccessTokens.Role.AGENT, "bot", agent);
        List<String> cLocale = List.of("env", "-u", "LC_ALL", "-u", "LC_CTYPE", "-u", "LANGUAGE", "LANG=C");
        try (ServerProcess gateway = ServerProcess.start(tmp, cLocale, GatewayMain.class.getName(), "--journal",
                "journal", "--key", ".vouch_key", "--policy", policy.toString(), "--tokens", tokens.toString(),
                "--port", "0", "--admin-port", "0")) {
            Http.Reply r = new Http(gateway.uri).post("/v1/calls", agent, "{\"tool\":\"ödeme.iade\",\"params\":{}}");
            assertEquals("pending", r.get("status"), r::toString);
            long deadline = System.currentTimeMillis() + 10_000;
            while (!gateway.log().contains("Waiting for approval of ") && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(gateway.log().contains("Waiting for approval of ödeme.iade (call seq " + r.seq()
                    + ", policy iade-büyük"), gateway::log);
            int exit = gateway.stop();
            assertTrue(exit == 0 || exit == 143, "stopped by SIGTERM (143 = 128 + 15): " + exit + gateway.log());
        }
    }
}
