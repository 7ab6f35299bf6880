package dev.vouch.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.FormatException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

/** C2SP signed notes, checked against the published example of Go's note package. */
class SignedNoteTest {
    static final String TEXT = "If you think cryptography is the answer to your problem,\n"
            + "then you don't know what your problem is.\n";
    static final String PETER_SIG = "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    static final String ENOCH_SIG = "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void shouldSignExactlyLikeGoNotePackage() {
        String note = SignedNote.sign(TEXT, "PeterNeumann", NoteKeysTest.peterSigningKey());
        assertEquals(TEXT + "\n" + PETER_SIG, note);
    }

    @Test
    void shouldVerifyGoExampleNoteWithTwoSignatures() {
        SignedNote note = SignedNote.parse(TEXT + "\n" + PETER_SIG + ENOCH_SIG);

        assertEquals(TEXT, note.text());
        assertEquals(2, note.signatures().size());
        SignedNote.Signature peter = note.signatures().get(0);
        assertEquals("PeterNeumann", peter.keyName());
        assertEquals(0xc74f20a3, peter.keyId());
        assertEquals(64, peter.signature().length);
        assertEquals(0xaf0cfe78, note.signatures().get(1).keyId());

        VerifyingKey peterKey = NoteKeys.parseVerifierKey(NoteKeysTest.PETER_VKEY);
        VerifyingKey enochKey = NoteKeys.parseVerifierKey(NoteKeysTest.ENOCH_VKEY);
        assertTrue(note.verifiedBy("PeterNeumann", peterKey));
        assertTrue(note.verifiedBy("EnochRoot", enochKey));
        assertFalse(note.verifiedBy("EnochRoot", peterKey), "key ID of another key must not match");
        assertFalse(note.verifiedBy("PeterNeuman", peterKey), "a different name must not match");
        assertEquals(TEXT + "\n" + PETER_SIG + ENOCH_SIG, note.toString());
    }

    @Test
    void shouldFailVerificationOfTamperedText() {
        SigningKey key = SigningKey.generate(RANDOM);
        String note = SignedNote.sign("log\n1\nAAAA\n", "log", key);
        String tampered = "log\n2" + note.substring(note.indexOf("\nAAAA"));

        assertTrue(SignedNote.parse(note).verifiedBy("log", key.verifyingKey()));
        assertFalse(SignedNote.parse(tampered).verifiedBy("log", key.verifyingKey()));
    }

    @Test
    void shouldFailVerificationWithWrongKey() {
        String note = SignedNote.sign("hello\n", "log", SigningKey.generate(RANDOM));
        assertFalse(SignedNote.parse(note).verifiedBy("log", SigningKey.generate(RANDOM).verifyingKey()));
    }

    @Test
    void shouldFailVerificationWhenTrustedKeyAlsoHasBadSignatureLine() {
        // Go's note.Open: a known key's signature that does not verify makes the whole note invalid.
        String good = TEXT + "\n" + PETER_SIG;
        String bad = PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60);
        VerifyingKey peterKey = NoteKeys.parseVerifierKey(NoteKeysTest.PETER_VKEY);

        assertFalse(SignedNote.parse(TEXT + "\n" + bad).verifiedBy("PeterNeumann", peterKey));
        assertFalse(SignedNote.parse(good + bad).verifiedBy("PeterNeumann", peterKey));
    }

    @Test
    void shouldFailVerificationOfSignatureThatIsNot64Bytes() {
        VerifyingKey peterKey = NoteKeys.parseVerifierKey(NoteKeysTest.PETER_VKEY);
        byte[] idAndShortSig = {(byte) 0xc7, 0x4f, 0x20, (byte) 0xa3, 1, 2, 3};
        String note = TEXT + "\n\u2014 PeterNeumann " + Base64.getEncoder().encodeToString(idAndShortSig) + "\n";

        assertFalse(SignedNote.parse(note).verifiedBy("PeterNeumann", peterKey));
    }

    @Test
    void shouldIgnoreSignaturesOfUnknownKeys() {
        SigningKey key = SigningKey.generate(RANDOM);
        String note = SignedNote.appendSignature(TEXT + "\n" + ENOCH_SIG, "log", key);
        assertTrue(SignedNote.parse(note).verifiedBy("log", key.verifyingKey()));
    }

    @Test
    void shouldAppendCosignatureAndKeepExistingOnes() {
        SigningKey witness = SigningKey.generate(RANDOM);
        String note = SignedNote.appendSignature(TEXT + "\n" + PETER_SIG, "witness.example/w1", witness);

        SignedNote parsed = SignedNote.parse(note);
        assertEquals(2, parsed.signatures().size());
        assertTrue(note.startsWith(TEXT + "\n" + PETER_SIG));
        assertTrue(parsed.verifiedBy("PeterNeumann", NoteKeys.parseVerifierKey(NoteKeysTest.PETER_VKEY)));
        assertTrue(parsed.verifiedBy("witness.example/w1", witness.verifyingKey()));
    }

    @Test
    void shouldReplaceOwnSignatureWhenAppendingAgain() {
        // Go's TestSign: an existing signature by the same key is replaced, not duplicated.
        String bad = "\u2014 PeterNeumann " + Base64.getEncoder().encodeToString(
                new byte[] {(byte) 0xc7, 0x4f, 0x20, (byte) 0xa3, 1, 2, 3, 4}) + "\n";
        String note = SignedNote.appendSignature(TEXT + "\n" + bad, "PeterNeumann", NoteKeysTest.peterSigningKey());
        assertEquals(TEXT + "\n" + PETER_SIG, note);
    }

    @Test
    void shouldKeepBlankLinesInsideTextAndSplitAtTheLastOne() {
        SigningKey key = SigningKey.generate(RANDOM);
        String text = "first paragraph\n\nsecond paragraph\n\n";
        SignedNote note = SignedNote.parse(SignedNote.sign(text, "log", key));

        assertEquals(text, note.text());
        assertTrue(note.verifiedBy("log", key.verifyingKey()));
    }

    @Test
    void shouldRejectMalformedNotesFromGoTests() {
        String[] bad = {
            TEXT,
            TEXT + "\n",
            TEXT + "\n" + PETER_SIG.substring(0, PETER_SIG.length() - 1),
            "\u0001" + TEXT + "\n" + PETER_SIG,
            TEXT + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
            TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        };
        for (String note : bad) {
            assertThrows(FormatException.class, () -> SignedNote.parse(note), () -> "accepted:\n" + note);
        }
    }

    @Test
    void shouldNameTheBadLineInErrors() {
        assertMessage(TEXT + "\n" + PETER_SIG + "Unexpected line.\n", "note line 5", "em dash");
        assertMessage(TEXT + "\n" + PETER_SIG.substring(0, PETER_SIG.length() - 1), "note line 4",
                "does not end with a newline");
        assertMessage(TEXT + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG=\n", "note line 4", "not canonical");
        assertMessage(TEXT + "\n\u2014 PeterNeumann AAAAAA==\n", "note line 4", "4 bytes");
        assertMessage(TEXT + "\n\u2014 PeterNeumann\n", "note line 4", "no space");
        assertMessage(TEXT + "\n\u2014 Peter+Neumann AAAAAAA=\n", "note line 4", "'+'");
        assertMessage("a\r\nb\n\n" + PETER_SIG, "line 1", "CRLF");
        assertMessage(TEXT, "no blank line");
        assertMessage(TEXT + "\n", "found the end of the note");
        assertMessage("bad \ud800 surrogate\n\n" + PETER_SIG, "unpaired surrogate");
    }

    @Test
    void shouldRejectMoreThanMaximumSignatures() {
        String ok = TEXT + "\n" + PETER_SIG.repeat(SignedNote.MAX_SIGNATURES);
        assertEquals(SignedNote.MAX_SIGNATURES, SignedNote.parse(ok).signatures().size());
        assertMessage(ok + PETER_SIG, "more than 100 signatures");
    }

    @Test
    void shouldRejectSigningTextWithoutFinalNewlineOrWithControlCharacters() {
        SigningKey key = SigningKey.generate(RANDOM);
        assertThrows(FormatException.class, () -> SignedNote.sign("no newline", "log", key));
        assertThrows(FormatException.class, () -> SignedNote.sign("", "log", key));
        assertThrows(FormatException.class, () -> SignedNote.sign("tab\there\n", "log", key));
        assertThrows(FormatException.class, () -> SignedNote.sign("ok\n", "bad name", key));
        assertThrows(FormatException.class, () -> SignedNote.sign("ok\n", "a+b", key));
    }

    @Test
    void shouldSignUtf8TextBytes() {
        SigningKey key = SigningKey.generate(RANDOM);
        String text = "Ognuno sta solo sul cuor della terra\ned \u00e8 subito sera.\n";
        SignedNote note = SignedNote.parse(SignedNote.sign(text, "quasimodo.example/salvatore", key));

        byte[] sig = note.signatures().get(0).signature();
        assertTrue(key.verifyingKey().verify(sig, text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldExposeSignatureAsDefensiveCopyWithValueEquality() {
        SignedNote note = SignedNote.parse(TEXT + "\n" + PETER_SIG);
        SignedNote.Signature s = note.signatures().get(0);
        byte[] sig = s.signature();
        sig[0] ^= 1;

        assertNotEquals(sig[0], s.signature()[0]);
        assertEquals(new SignedNote.Signature(s.keyName(), s.keyId(), s.signature()), s);
        assertEquals(PETER_SIG, s + "\n");
        assertEquals(note, SignedNote.parse(TEXT + "\n" + PETER_SIG));
        assertThrows(UnsupportedOperationException.class, () -> note.signatures().clear());
        assertArrayEquals(s.signature(), note.signatures().get(0).signature());
        assertEquals(List.of(s), note.signatures());
    }

    private static void assertMessage(String note, String... parts) {
        FormatException e = assertThrows(FormatException.class, () -> SignedNote.parse(note));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }
}
