package dev.vouch.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.FormatException;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointTest {
    /** The example of https://c2sp.org/tlog-checkpoint. */
    static final String SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    static final String ROOT_B64 = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

    @Test
    void shouldParseSpecExampleAndWriteItBack() {
        Checkpoint cp = Checkpoint.parse(SPEC_BODY);

        assertEquals("example.com/behind-the-sofa", cp.origin());
        assertEquals(20852163L, cp.size());
        assertArrayEquals(Base64.getDecoder().decode(ROOT_B64), cp.rootHash());
        assertEquals(List.of(), cp.extensions());
        assertEquals(SPEC_BODY, cp.body());
    }

    @Test
    void shouldRoundTripWithExtensionsAndLargestSize() {
        byte[] root = new byte[32];
        new SecureRandom().nextBytes(root);
        Checkpoint cp = Checkpoint.of("example.com/log", Long.MAX_VALUE, root, List.of("ext one", "ext two"));

        assertEquals("example.com/log\n9223372036854775807\n" + Base64.getEncoder().encodeToString(root)
                + "\next one\next two\n", cp.body());
        assertEquals(cp, Checkpoint.parse(cp.body()));
        assertEquals(cp.hashCode(), Checkpoint.parse(cp.body()).hashCode());
    }

    @Test
    void shouldWriteEmptyTreeSizeAsZero() {
        Checkpoint cp = Checkpoint.of("log", 0, new byte[32], List.of());
        assertEquals("log\n0\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n", cp.body());
        assertEquals(0, Checkpoint.parse(cp.body()).size());
    }

    @Test
    void shouldCompareTreesIgnoringExtensions() {
        Checkpoint a = Checkpoint.parse(SPEC_BODY);
        Checkpoint b = Checkpoint.parse(SPEC_BODY + "extension\n");
        Checkpoint c = Checkpoint.parse(SPEC_BODY.replace("20852163", "20852164"));

        assertTrue(a.sameTree(b));
        assertNotEquals(a, b);
        assertFalse(a.sameTree(c));
    }

    @Test
    void shouldNotExposeInternalState() {
        byte[] root = new byte[32];
        List<String> ext = new ArrayList<>(List.of("x"));
        Checkpoint cp = Checkpoint.of("log", 1, root, ext);
        root[0] = 1;
        ext.add("y");
        cp.rootHash()[1] = 1;

        assertArrayEquals(new byte[32], cp.rootHash());
        assertEquals(List.of("x"), cp.extensions());
        assertThrows(UnsupportedOperationException.class, () -> cp.extensions().add("z"));
    }

    static Stream<Arguments> malformedBodies() {
        return Stream.of(
                Arguments.of("leading zero", "log\n007\n" + ROOT_B64 + "\n", "line 2"),
                Arguments.of("zero with leading zero", "log\n00\n" + ROOT_B64 + "\n", "line 2"),
                Arguments.of("plus sign", "log\n+7\n" + ROOT_B64 + "\n", "line 2"),
                Arguments.of("negative", "log\n-1\n" + ROOT_B64 + "\n", "line 2"),
                Arguments.of("empty size", "log\n\n" + ROOT_B64 + "\n", "line 2"),
                Arguments.of("space before size", "log\n 7\n" + ROOT_B64 + "\n", "line 2"),
                Arguments.of("overflow", "log\n9223372036854775808\n" + ROOT_B64 + "\n", "does not fit"),
                Arguments.of("bad base64", "log\n7\nnot*base64\n", "line 3"),
                Arguments.of("unpadded root", "log\n7\n" + ROOT_B64.replace("=", "") + "\n", "line 3"),
                Arguments.of("short root", "log\n7\nAAAA\n", "3 bytes"),
                Arguments.of("long root", "log\n7\n" + "A".repeat(44) + "\n", "33 bytes"),
                Arguments.of("missing root line", "log\n7\n", "at least 3"),
                Arguments.of("only origin", "log\n", "1 line"),
                Arguments.of("empty origin", "\n7\n" + ROOT_B64 + "\n", "line 1"),
                Arguments.of("no final newline", "log\n7\n" + ROOT_B64, "newline"),
                Arguments.of("empty extension", "log\n7\n" + ROOT_B64 + "\next\n\n", "line 5"),
                Arguments.of("carriage return", "log\r\n7\n" + ROOT_B64 + "\n", "control character"),
                Arguments.of("empty body", "", "newline"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBodies")
    void shouldRejectMalformedBody(String why, String body, String expected) {
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.parse(body), why);
        assertTrue(e.getMessage().contains(expected), () -> why + ": message '" + e.getMessage() + "' lacks '"
                + expected + "'");
    }

    @Test
    void shouldRejectInvalidParts() {
        byte[] root = new byte[32];
        assertThrows(FormatException.class, () -> Checkpoint.of("", 1, root, List.of()));
        assertThrows(FormatException.class, () -> Checkpoint.of("a\nb", 1, root, List.of()));
        assertThrows(FormatException.class, () -> Checkpoint.of("log", -1, root, List.of()));
        assertThrows(FormatException.class, () -> Checkpoint.of("log", 1, new byte[31], List.of()));
        assertThrows(FormatException.class, () -> Checkpoint.of("log", 1, root, List.of("")));
        assertThrows(FormatException.class, () -> Checkpoint.of("log", 1, root, List.of("a\nb")));
        assertThrows(FormatException.class, () -> Checkpoint.of("log\t", 1, root, List.of()));
    }

    @Test
    void shouldBeSignableAsNoteAndParsedBack() {
        SigningKey key = SigningKey.generate(new SecureRandom());
        Checkpoint cp = Checkpoint.of("example.com/log", 42, new byte[32], List.of());
        SignedNote note = SignedNote.parse(SignedNote.sign(cp.body(), cp.origin(), key));

        assertTrue(note.verifiedBy("example.com/log", key.verifyingKey()));
        assertEquals(cp, Checkpoint.parse(note.text()));
    }
}
