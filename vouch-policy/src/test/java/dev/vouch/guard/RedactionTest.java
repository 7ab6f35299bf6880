package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.Decision;
import dev.vouch.KeyFileException;
import dev.vouch.Risk;
import dev.vouch.internal.format.RecordType;
import dev.vouch.guard.TestJournal.Rec;
import dev.vouch.policy.PayloadLogging;
import dev.vouch.policy.PolicyDecision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RedactionTest extends GuardTestBase {
    private static final String CARD = "4111111111111111";
    private static final Pattern COMMITMENT = Pattern.compile("\\{\"\\$vouch_redacted\":\"(hmac-sha256:v(?:2|1-bytes):[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+)\"");

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String commitmentIn(String stored) {
        Matcher m = COMMITMENT.matcher(stored);
        assertTrue(m.find(), () -> "no commitment in " + stored);
        return m.group(1);
    }

    @Test
    void shouldKeepARedactedSecretOutOfEveryJournalFileAndProveItWithTheKey() {
        RedactionKey key = RedactionKey.generate();
        Guard guard = guard((tool, params) -> redact("card-data", "card.number")).redactionKey(key).build();
        String json = "{\"order\":42,\"card\":{\"number\":\"" + CARD + "\",\"holder\":\"Ada Lovelace\",\"exp\":\"12/29\"},"
                + "\"amount\":17.25}";
        byte[] params = utf8(json);
        AtomicReference<String> toolSaw = new AtomicReference<>();

        guard.call("payments.charge", params, () -> {
            toolSaw.set(new String(params, StandardCharsets.UTF_8));
            return "{\"charged\":true}";
        });

        assertEquals(json, toolSaw.get(), "the tool receives the original parameters");
        assertArrayEquals(utf8(json), params, "the caller's array is not modified");
        Rec call = journal.ofType(RecordType.TOOL_CALL).get(0);
        String stored = call.params();
        String commitment = commitmentIn(stored);
        assertEquals("{\"order\":42,\"card\":{\"number\":{\"$vouch_redacted\":\"" + commitment + "\"},"
                + "\"holder\":\"Ada Lovelace\",\"exp\":\"12/29\"},\"amount\":17.25}", stored);
        Rec decision = journal.ofType(RecordType.POLICY_DECISION).get(0);
        assertTrue(decision.params().contains("\"params_stored\":\"redacted\",\"redacted\":[\"card.number\"],"
                + "\"redaction_key\":\"" + key.id() + "\""), decision::toString);

        journal.closeAndVerify();
        assertFalse(journal.anyFileContains(utf8(CARD)), "the card number is in a journal file");
        assertTrue(journal.anyFileContains(utf8("Ada Lovelace")), "the scan finds what is stored in clear");

        assertTrue(key.verify(commitment, "\"" + CARD + "\""));
        assertTrue(key.verify(commitment, utf8(" \"" + CARD + "\" ")), "whitespace around the value does not matter");
        assertTrue(key.verifyAt(utf8(stored), "card.number", "\"" + CARD + "\""));
        assertFalse(key.verify(commitment, "\"4111111111111112\""), "another value verified");
        assertFalse(RedactionKey.generate().verify(commitment, "\"" + CARD + "\""), "another key verified");
        assertFalse(key.verifyAt(utf8(stored), "card.holder", "\"" + CARD + "\""));
    }

    @Test
    void shouldNotLeakARedactedSecretThroughTheToolsErrorMessage() {
        RedactionKey key = RedactionKey.generate();
        Guard guard = guard((tool, params) -> redact("card-data", "card.number")).redactionKey(key).build();
        String message = "card " + CARD + " was declined";

        assertThrows(IllegalStateException.class, () -> guard.call("payments.charge",
                "{\"card\":{\"number\":\"" + CARD + "\"}}", () -> {
                    throw new IllegalStateException(message);
                }));

        String error = journal.ofType(RecordType.TOOL_ERROR).get(0).result();
        Matcher m = Pattern.compile("\"message_commitment\":\"([^\"]+)\"").matcher(error);
        assertTrue(m.find(), error);
        assertTrue(key.verify(m.group(1), utf8(message)), "the operator can still prove the message");
        journal.closeAndVerify();
        assertFalse(journal.anyFileContains(utf8(CARD)));
    }

    @Test
    void shouldShowApproversOnlyTheRedactedParameters() {
        ProgrammaticApprovals approvals = new ProgrammaticApprovals();
        AtomicReference<ApprovalRequest> asked = new AtomicReference<>();
        Guard guard = guard((tool, params) -> new PolicyDecision(dev.vouch.policy.Action.STALL, List.of("card.number"), Risk.HIGH,
                "charge", "charges need a person", PayloadLogging.FULL_PAYLOAD, Duration.ofSeconds(10)))
                .redactionKey(RedactionKey.generate())
                .approvals(request -> {
                    asked.set(request);
                    return approvals.requestApproval(request);
                }).build();
        Thread approver = new Thread(() -> {
            while (approvals.pending().isEmpty()) {
                Thread.onSpinWait();
            }
            approvals.approve(approvals.pending().get(0).callSequence(), "alice", "ok");
        });
        approver.start();

        guard.call("payments.charge", "{\"card\":{\"number\":\"" + CARD + "\"}}", () -> "ok");

        assertFalse(asked.get().storedParams().contains(CARD), asked.get()::toString);
        assertTrue(asked.get().storedParams().contains("$vouch_redacted"));
    }

    @Test
    void shouldStoreOnlyDigestsOfParamsAndResultsForMetadataOnlyWithoutAKeyAndSaySoOnce() {
        Guard guard = guard((tool, params) -> metadataOnly("private")).build();
        String json = "{\"query\":\"SELECT * FROM patients WHERE name = 'Grace-Hopper-XYZ'\"}";
        String result = "[{\"diagnosis\":\"secret-diagnosis-QRS\"}]";

        try (dev.vouch.testsupport.StderrCapture err = new dev.vouch.testsupport.StderrCapture()) {
            assertEquals(result, guard.call("db.query", json, () -> result));
            guard.call("db.query", json, () -> result);
            String log = err.text();
            assertEquals(1, log.split("a plain SHA-256 digest lets anyone who holds the journal test guesses", -1).length
                    - 1, log);
        }

        Rec call = journal.ofType(RecordType.TOOL_CALL).get(0);
        assertEquals("{\"$vouch_digest\":\"sha256:" + StoredParams.sha256Hex(utf8(json)) + "\",\"size\":"
                + utf8(json).length + "}", call.params());
        Rec done = journal.ofType(RecordType.TOOL_RESULT).get(0);
        assertEquals("{\"$vouch_digest\":\"sha256:" + StoredParams.sha256Hex(utf8(result)) + "\",\"size\":"
                + utf8(result).length + "}", done.result());
        assertTrue(journal.ofType(RecordType.POLICY_DECISION).get(0).params().contains("\"params_stored\":\"digest\""));
        journal.closeAndVerify();
        assertFalse(journal.anyFileContains(utf8("Grace-Hopper-XYZ")));
        assertFalse(journal.anyFileContains(utf8("secret-diagnosis-QRS")));
    }

    /**
     * With a redaction key, metadata only keeps keyed commitments, never a plain digest: an outside privacy trial read
     * a PIN, a four-digit result and an SSN back from the plain digests in a journal alone, in seconds, though the
     * gateway had a key. Parameters, result, an error's message and an error's own result, each provable with the key.
     */
    @Test
    void shouldKeepOnlyKeyedCommitmentsUnderMetadataOnlyWhenTheGuardHasAKey() {
        RedactionKey key = RedactionKey.generate();
        Guard guard = guard((tool, params) -> metadataOnly("private")).redactionKey(key).build();
        String json = "{\"pin\":\"4821\"}";
        String result = "\"0417\"";
        String message = "pin 4821 refused";
        String errorResult = "{\"isError\":true,\"content\":[{\"type\":\"text\",\"text\":\"pin 4821\"}]}";

        assertEquals(result, guard.call("vault.get", json, () -> result));
        assertThrows(IllegalStateException.class, () -> guard.call("vault.check", json, () -> {
            throw new IllegalStateException(message);
        }));
        assertThrows(AttemptTest.ErrorResult.class, () -> guard.attempt(ToolCall.of("vault.check", json), () -> {
            throw new AttemptTest.ErrorResult(errorResult);
        }));

        List<Rec> calls = journal.ofType(RecordType.TOOL_CALL);
        for (Rec call : calls) {
            String stored = call.params();
            assertTrue(stored.matches("\\{\"\\$vouch_redacted\":\"hmac-sha256:v1-bytes:[^\"]+\",\"size\":14}"), stored);
            assertTrue(key.verify(commitmentIn(stored), utf8(json)), "the operator proves the parameters");
        }
        for (Rec decision : journal.ofType(RecordType.POLICY_DECISION)) {
            assertTrue(decision.params().contains("\"params_stored\":\"commitment\",\"log_level\":\"metadata_only\","
                    + "\"redaction_key\":\"" + key.id() + "\""), decision::toString);
        }
        String storedResult = journal.ofType(RecordType.TOOL_RESULT).get(0).result();
        assertTrue(storedResult.startsWith("{\"$vouch_redacted\":\"hmac-sha256:v1-bytes:"), storedResult);
        assertTrue(key.verify(commitmentIn(storedResult), utf8(result)), "the operator proves the result");
        List<Rec> errors = journal.ofType(RecordType.TOOL_ERROR);
        Matcher m = Pattern.compile("\"message_commitment\":\"([^\"]+)\"").matcher(errors.get(0).result());
        assertTrue(m.find(), errors.get(0).result());
        assertTrue(key.verify(m.group(1), utf8(message)));
        m = Pattern.compile("\"result_commitment\":\"([^\"]+)\"").matcher(errors.get(1).result());
        assertTrue(m.find(), errors.get(1).result());
        assertTrue(key.verify(m.group(1), utf8(errorResult)));
        journal.closeAndVerify();
        assertFalse(journal.anyFileContains(utf8("4821")));
        assertFalse(journal.anyFileContains(utf8("0417")));
        assertFalse(journal.anyFileContains(utf8("\"sha256:")), "no plain digest anywhere");
    }

    /**
     * Metadata only with paths listed and no key: nothing of the result either (a plain digest of a document holding
     * a value the policy names could be guessed back); before, the parameters were omitted and the result digested.
     */
    @Test
    void shouldOmitTheResultUnderMetadataOnlyWithRedactedPathsAndNoKey() {
        Guard guard = guard((tool, params) -> new PolicyDecision(dev.vouch.policy.Action.ALLOW, List.of("pin"),
                Risk.HIGH, "vault", "pins are secret", PayloadLogging.METADATA_ONLY, Duration.ZERO)).build();
        guard.call("vault.get", "{\"pin\":\"4821\"}", () -> "\"0417\"");
        assertEquals("{\"$vouch_redacted\":\"omitted\",\"size\":6}",
                journal.ofType(RecordType.TOOL_RESULT).get(0).result());
        journal.closeAndVerify();
        assertFalse(journal.anyFileContains(utf8("\"sha256:")), "no plain digest anywhere");
    }

    @Test
    void shouldCommitToTheWholeParametersWhenTheyAreNotJsonButMustBeRedacted() {
        RedactionKey key = RedactionKey.generate();
        Guard guard = guard((tool, params) -> redact("card-data", "card.number")).redactionKey(key).build();
        byte[] broken = utf8("{\"card\":{\"number\":\"" + CARD + "\",");

        guard.call("payments.charge", broken, () -> "ok");

        String stored = journal.ofType(RecordType.TOOL_CALL).get(0).params();
        String commitment = commitmentIn(stored);
        assertTrue(commitment.startsWith(RedactionKey.BYTES_PREFIX), commitment);
        assertTrue(stored.endsWith(",\"size\":" + broken.length
                + ",\"$vouch_note\":\"not JSON: redaction impossible, whole parameters committed\"}"), stored);
        assertTrue(key.verify(commitment, broken));
        journal.closeAndVerify();
        assertFalse(journal.anyFileContains(utf8(CARD)));
    }

    @Test
    void shouldRedactEveryOccurrenceArrayElementsAndWholeSubtreesAndKeepEverythingElseAsWritten() {
        RedactionKey key = RedactionKey.generate();

        StoredParams dup = StoredParams.of(utf8("{\"pin\":\"1234\",\"pin\":\"5678\"}"), List.of("pin"),
                PayloadLogging.FULL_PAYLOAD, key);
        String d = new String(dup.bytes, StandardCharsets.UTF_8);
        assertFalse(d.contains("1234") || d.contains("5678"), d);
        assertEquals(2, d.split("\\$vouch_redacted", -1).length - 1, d);

        StoredParams arr = StoredParams.of(utf8("{\"cards\":[{\"number\":\"a-1\"},{\"number\":\"b-2\"}],\"amount\":1.50,"
                + "\"scale\":1e2,\"big\":12345678901234567890123}"), List.of("cards.1.number"), PayloadLogging.FULL_PAYLOAD, key);
        String a = new String(arr.bytes, StandardCharsets.UTF_8);
        assertTrue(a.startsWith("{\"cards\":[{\"number\":\"a-1\"},{\"number\":{\"$vouch_redacted\":\"hmac-sha256:v2:"), a);
        assertTrue(a.endsWith("\"}}],\"amount\":1.50,\"scale\":1e2,\"big\":12345678901234567890123}"), a);
        assertFalse(a.contains("b-2"));
        assertEquals(List.of("cards.1.number"), arr.redacted);

        StoredParams sub = StoredParams.of(utf8("{\"card\": {\"number\": \"\\u0041BC\", \"cvv\": 123}}"),
                List.of("card", "card.number"), PayloadLogging.FULL_PAYLOAD, key);
        String s = new String(sub.bytes, StandardCharsets.UTF_8);
        String c = commitmentIn(s);
        assertTrue(key.verify(c, "{ \"number\" : \"ABC\" , \"cvv\" : 123 }"), "canonical form ignores whitespace and escapes");
        assertTrue(key.verify(c, "{\"cvv\":123.0,\"number\":\"ABC\"}"), "RFC 8785: member order and number spelling do not matter");
        assertFalse(key.verify(c, "{\"cvv\":124,\"number\":\"ABC\"}"), "another value");

        String spaced = "{ \"amount\" : 1.0 }";
        StoredParams absent = StoredParams.of(utf8(spaced), List.of("card.number"), PayloadLogging.FULL_PAYLOAD, key);
        assertEquals(StoredParams.Form.FULL, absent.form);
        assertEquals(spaced, new String(absent.bytes, StandardCharsets.UTF_8), "nothing to redact: stored exactly");

        StoredParams noKey = StoredParams.of(utf8("{\"pin\":\"1234\"}"), List.of("pin"), PayloadLogging.FULL_PAYLOAD, null);
        assertEquals("{\"pin\":{\"$vouch_redacted\":\"omitted\"}}", new String(noKey.bytes, StandardCharsets.UTF_8));

        StoredParams salted = StoredParams.of(utf8("{\"a\":\"x\",\"b\":\"x\"}"), List.of("a", "b"), PayloadLogging.FULL_PAYLOAD, key);
        Matcher m = COMMITMENT.matcher(new String(salted.bytes, StandardCharsets.UTF_8));
        assertTrue(m.find());
        String first = m.group(1);
        assertTrue(m.find());
        assertNotEquals(first, m.group(1), "equal values must not give equal commitments");
        assertEquals(List.of(first, m.group(1)), List.of(RedactionKey.commitmentsAt(salted.bytes, "a").get(0),
                RedactionKey.commitmentsAt(salted.bytes, "b").get(0)));
    }

    /**
     * The shell recipe docs/GUARD.md gives auditors, run as the document writes it (base64, od and the openssl CLI
     * only), on the v2 commitments the guard writes: the value it takes is the JCS, not jackson's compact copy (an
     * outside trial found the recipe labelled v1, whose MAC covers the compact copy, and fed JCS).
     */
    @Test
    void shouldLetAThirdPartyCheckACommitmentWithOpenssl() throws Exception {
        Path keyFile = tmp.resolve("redaction.key");
        RedactionKey key = RedactionKey.create(keyFile);
        Guard guard = guard((tool, params) -> redact("card-data", "card.number", "amount")).redactionKey(key).build();
        guard.call("payments.charge", "{\"card\":{\"number\":\"" + CARD + "\"},\"amount\":{\"b\":1.50,\"a\":1E2}}",
                () -> "ok");
        byte[] stored = utf8(journal.ofType(RecordType.TOOL_CALL).get(0).params());
        String card = RedactionKey.commitmentsAt(stored, "card.number").get(0);
        String amount = RedactionKey.commitmentsAt(stored, "amount").get(0);
        assertTrue(card.startsWith(RedactionKey.VALUE_PREFIX) && amount.startsWith(RedactionKey.VALUE_PREFIX), card);

        assertEquals("MATCH", guardMdRecipe(card, "'\"" + CARD + "\"'"));
        assertEquals("MATCH", guardMdRecipe(amount, "'{\"a\":100,\"b\":1.5}'"), "the JCS of the value");
        assertEquals("DIFFERENT", guardMdRecipe(amount, "'{\"b\":1.50,\"a\":1E2}'"), "the compact copy: v1's form");
        assertEquals("DIFFERENT", guardMdRecipe(card, "'\"4111111111111112\"'"), "another value");
    }

    /** The openssl recipe of docs/GUARD.md, "Proving a value", as written, for this commitment and value (shell). */
    private String guardMdRecipe(String commitment, String quotedValue) throws Exception {
        Path guardMd = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null && guardMd == null; d = d.getParent()) {
            Path candidate = d.resolve("docs").resolve("GUARD.md");
            guardMd = Files.isRegularFile(candidate) ? candidate : null;
        }
        assertTrue(guardMd != null, "docs/GUARD.md not found above the module directory");
        String doc = Files.readString(guardMd, StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("```sh\n(c='hmac-sha256:v2:[^\n]*\n.*?)```", Pattern.DOTALL)
                .matcher(doc.substring(doc.indexOf("### Proving a value")));
        assertTrue(block.find(), "no sh block beginning c='hmac-sha256:v2:... under 'Proving a value'");
        String[] lines = block.group(1).split("\n", -1);
        assertTrue(lines[1].startsWith("value='"), lines[1]);
        lines[0] = "c='" + commitment + "'";
        lines[1] = "value=" + quotedValue;
        Process p = new ProcessBuilder("sh", "-c", String.join("\n", lines)).directory(tmp.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(out.strip().equals("MATCH") || out.strip().equals("DIFFERENT"), () -> "the documented openssl"
                + " recipe failed (needs sh, base64, od and the OpenSSL 3 CLI on the PATH):\n" + out);
        return out.strip();
    }

    @Test
    void shouldRefuseARedactionKeyOwnedByAnotherUserAsTheSigningKeyIs() throws Exception {
        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        org.junit.jupiter.api.Assumptions.assumeTrue(Integer.valueOf(0).equals(self), "only root can chown");
        Path file = tmp.resolve("owned-elsewhere.key");
        RedactionKey.create(file);
        Files.setAttribute(file, "unix:uid", 4242);

        KeyFileException e = assertThrows(KeyFileException.class, () -> RedactionKey.load(file));

        assertTrue(e.getMessage().contains("redaction key file is owned by uid 4242"), e.getMessage());
    }

    @Test
    void shouldLoadOnlyPrivateWellFormedKeyFiles() throws Exception {
        Path file = tmp.resolve("redaction.key");
        RedactionKey created = RedactionKey.create(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(created.id(), RedactionKey.load(file).id());
        assertFalse(created.toString().contains(Files.readString(file).strip()), "toString leaks the key");
        assertThrows(KeyFileException.class, () -> RedactionKey.create(file), "overwrote a key");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        KeyFileException open = assertThrows(KeyFileException.class, () -> RedactionKey.load(file));
        assertTrue(open.getMessage().contains("chmod 600"), open.getMessage());

        Path shortKey = tmp.resolve("short.key");
        Files.writeString(shortKey, "c2hvcnQ=\n");
        Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(KeyFileException.class, () -> RedactionKey.load(shortKey)).getMessage().contains("at least 32"));

        Path garbage = tmp.resolve("garbage.key");
        Files.writeString(garbage, "not base64 at all!\n");
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rw-------"));
        assertThrows(KeyFileException.class, () -> RedactionKey.load(garbage));
        assertThrows(KeyFileException.class, () -> RedactionKey.load(tmp.resolve("missing.key")));
    }

    @Test
    void shouldStillVerifyVersionOneCommitmentsOverJacksonsCompactCopy() throws Exception {
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        RedactionKey key = RedactionKey.of(raw);
        byte[] salt = new byte[16];
        byte[] compact = utf8("{\"number\":\"ABC\",\"cvv\":1.50}"); // v1: field order and number text kept
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(raw, "HmacSHA256"));
        mac.update(salt);
        String v1 = "hmac-sha256:v1:" + java.util.Base64.getEncoder().encodeToString(salt) + ":"
                + java.util.Base64.getEncoder().encodeToString(mac.doFinal(compact));
        assertTrue(key.verify(v1, "{ \"number\": \"ABC\", \"cvv\": 1.50 }"));
        assertFalse(key.verify(v1, "{\"cvv\":1.50,\"number\":\"ABC\"}"), "v1 keeps member order");
        assertFalse(key.verify(v1, "{\"number\":\"ABC\",\"cvv\":1.5}"), "v1 keeps the number as written");
    }
}
