package dev.vouch.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.FormatException;
import dev.vouch.internal.format.KeyRotationStatement;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text formats of the proofs: C2SP tlog-proof, the consistency proof, and the key history in their extra data. */
class ProofFormatsTest {
    private static final SigningKey KEY = SigningKey.fromSeed(new byte[32]);
    private static final String ORIGIN = "example.com/proofs";

    /** The add-checkpoint request body of https://c2sp.org/tlog-witness, verbatim. */
    private static final String WITNESS_SPEC_BODY = "old 20852014\n"
            + "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
            + "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
            + "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
            + "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
            + "\n"
            + "example.com/behind-the-sofa\n"
            + "20852163\n"
            + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
            + "\n"
            + "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
            + "\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";

    static String note(long size) {
        byte[] root = new byte[32];
        root[0] = (byte) size;
        return SignedNote.sign(Checkpoint.of(ORIGIN, size, root, List.of()).body(), ORIGIN, KEY);
    }

    static List<byte[]> hashes(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] h = new byte[32];
            h[31] = (byte) i;
            out.add(h);
        }
        return out;
    }

    @Test
    void shouldWriteTheTlogProofLayoutOfTheSpecAndParseItBack() {
        TlogProof proof = TlogProof.of(5, hashes(3), note(9), null);

        String text = proof.text();
        assertTrue(text.startsWith("c2sp.org/tlog-proof@v1\nindex 5\nAAAA"), text);
        assertTrue(text.contains("AAI=\n\n" + ORIGIN + "\n9\n"), text);
        TlogProof back = TlogProof.parse(text);
        assertEquals(5, back.index());
        assertEquals(3, back.hashes().size());
        assertArrayEquals(hashes(3).get(2), back.hashes().get(2));
        assertEquals(note(9), back.checkpointNote());
        assertEquals(9, back.checkpoint().size());
        assertNull(back.extra());
        assertEquals(text, back.text());
    }

    @Test
    void shouldCarryExtraDataOnTheSecondLine() {
        byte[] extra = "opaque".getBytes(StandardCharsets.UTF_8);
        String text = TlogProof.of(0, List.of(), note(1), extra).text();

        assertTrue(text.startsWith("c2sp.org/tlog-proof@v1\nextra b3BhcXVl\nindex 0\n\n"), text);
        assertArrayEquals(extra, TlogProof.parse(text).extra());
    }

    @Test
    void shouldRejectMalformedProofsNamingTheLine() {
        String good = TlogProof.of(5, hashes(2), note(9), null).text();
        String[][] cases = {
            {good.replace("tlog-proof@v1", "tlog-proof@v2"), "line 1"},
            {good.replace("index 5", "index 05"), "line 2"},
            {good.replace("index 5", "index -5"), "line 2"},
            {good.replace("index 5", "idx 5"), "line 2"},
            {good.replace("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE=", "AAAA"), "line 4"},
            {good.replace("\n\n" + ORIGIN, "\n" + ORIGIN), "line"},
            {good.replace(ORIGIN + "\n9\n", ORIGIN + "\nnine\n"), "not a signed checkpoint"},
            {good.substring(0, 30), "ends before"},
            {good.replace("\n", "\r\n"), "line 1"},
        };
        for (String[] c : cases) {
            FormatException e = assertThrows(FormatException.class, () -> TlogProof.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void shouldReadTheWitnessSpecExampleAsAConsistencyProofBody() {
        ConsistencyProof proof = ConsistencyProof.parse(ConsistencyProof.HEADER + "\n" + WITNESS_SPEC_BODY);

        assertEquals(20852014, proof.oldSize());
        assertEquals(4, proof.hashes().size());
        assertEquals(20852163, proof.checkpoint().size());
        assertEquals(2, SignedNote.parse(proof.checkpointNote()).signatures().size());
        assertEquals(WITNESS_SPEC_BODY, proof.witnessRequestBody());
        assertEquals(ConsistencyProof.HEADER + "\n" + WITNESS_SPEC_BODY, proof.text());
    }

    @Test
    void shouldKeepTheExtraLineOutOfTheWitnessRequestBody() {
        ConsistencyProof proof = ConsistencyProof.of(3, hashes(2), note(7), new byte[] {1, 2});

        assertTrue(proof.text().startsWith("vouch.consistency-proof.v1\nextra AQI=\nold 3\n"), proof.text());
        assertTrue(proof.witnessRequestBody().startsWith("old 3\n"), proof.witnessRequestBody());
        assertArrayEquals(new byte[] {1, 2}, ConsistencyProof.parse(proof.text()).extra());
    }

    @Test
    void shouldRoundTripAKeyHistoryAndFollowItFromTheFirstKey() {
        SigningKey k1 = SigningKey.generate(new SecureRandom());
        SigningKey k2 = SigningKey.generate(new SecureRandom());
        String r1 = SignedNote.sign(KeyRotationStatement.text(ORIGIN, 10, k1.verifyingKey().bytes()), ORIGIN, KEY);
        String r2 = SignedNote.sign(KeyRotationStatement.text(ORIGIN, 20, k2.verifyingKey().bytes()), ORIGIN, k1);

        KeyHistory history = KeyHistory.parse(KeyHistory.of(List.of(r1, r2)).bytes());

        assertEquals(List.of(r1, r2), history.notes());
        List<KeyHistory.Rotation> rotations = history.follow(KEY.verifyingKey(), ORIGIN);
        assertEquals(2, rotations.size());
        assertEquals(10, rotations.get(0).sequence());
        assertEquals(k1.verifyingKey(), rotations.get(0).to());
        assertEquals(k2.verifyingKey(), rotations.get(1).to());
        assertEquals(k1.verifyingKey(), rotations.get(1).from());
    }

    @Test
    void shouldRefuseAKeyHistoryThatDoesNotChainFromTheFirstKey() {
        SigningKey k1 = SigningKey.generate(new SecureRandom());
        SigningKey k2 = SigningKey.generate(new SecureRandom());
        String r1 = SignedNote.sign(KeyRotationStatement.text(ORIGIN, 10, k1.verifyingKey().bytes()), ORIGIN, KEY);
        String r2ByWrongKey = SignedNote.sign(KeyRotationStatement.text(ORIGIN, 20, k2.verifyingKey().bytes()), ORIGIN, KEY);
        String otherLog = SignedNote.sign(KeyRotationStatement.text("other.example/log", 10, k1.verifyingKey().bytes()),
                "other.example/log", KEY);
        String backwards = SignedNote.sign(KeyRotationStatement.text(ORIGIN, 5, k2.verifyingKey().bytes()), ORIGIN, k1);

        assertFollowFails(List.of(r1, r2ByWrongKey), "statement 2", "not signed by the key it rotates from");
        assertFollowFails(List.of(otherLog), "statement 1", "origin");
        assertFollowFails(List.of(r1, backwards), "statement 2", "does not come after");
        assertFollowFails(List.of(note(3)), "statement 1", "not a vouch.key-rotation.v1 statement");
    }

    private static void assertFollowFails(List<String> notes, String... words) {
        FormatException e = assertThrows(FormatException.class,
                () -> KeyHistory.parse(KeyHistory.of(notes).bytes()).follow(KEY.verifyingKey(), ORIGIN));
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), e.getMessage());
        }
    }
}
