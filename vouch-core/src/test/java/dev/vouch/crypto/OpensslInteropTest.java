package dev.vouch.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks by an outside tool: OpenSSL 3 reads our keys and verifies our signatures, and we read its keys. */
class OpensslInteropTest {
    @TempDir
    Path dir;

    @Test
    void shouldLoadOpensslKeyAndHaveOpensslVerifyOurSignature() throws IOException {
        Openssl.ok(dir, "genpkey", "-algorithm", "ed25519", "-out", "k.pem");
        Path keyFile = dir.resolve("k.pem");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        SigningKey key = KeyFile.load(keyFile);

        byte[] msg = "tamper-evident flight recorder\n".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("msg"), msg);
        Files.write(dir.resolve("sig"), key.sign(msg));
        Files.writeString(dir.resolve("pub.pem"), key.verifyingKey().toPem(), StandardCharsets.US_ASCII);

        String out = Openssl.ok(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin",
                "-in", "msg", "-sigfile", "sig");
        assertTrue(out.contains("Signature Verified Successfully"), out);
    }

    @Test
    void shouldHaveOpensslRejectSignatureOfOtherMessage() throws IOException {
        SigningKey key = SigningKey.generate(new SecureRandom());
        Files.write(dir.resolve("msg"), "other message".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("sig"), key.sign("message".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(dir.resolve("pub.pem"), key.verifyingKey().toPem(), StandardCharsets.US_ASCII);

        Openssl.Result r = Openssl.run(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin",
                "-in", "msg", "-sigfile", "sig");
        assertNotEquals(0, r.exitCode(), "openssl accepted a signature of another message: " + r.stdout());
    }

    @Test
    void shouldWritePublicPemByteForByteLikeOpenssl() throws IOException {
        Openssl.ok(dir, "genpkey", "-algorithm", "ed25519", "-out", "k.pem");
        String opensslPub = Openssl.ok(dir, "pkey", "-in", "k.pem", "-pubout");
        SigningKey key = SigningKey.fromPkcs8Pem(Files.readString(dir.resolve("k.pem")));

        assertEquals(opensslPub, key.verifyingKey().toPem());
        assertEquals(key.verifyingKey(), VerifyingKey.fromPem(opensslPub));
    }

    @Test
    void shouldWritePrivatePemByteForByteLikeOpenssl() throws IOException {
        Openssl.ok(dir, "genpkey", "-algorithm", "ed25519", "-out", "k.pem");
        String opensslPem = Files.readString(dir.resolve("k.pem"), StandardCharsets.US_ASCII);

        assertEquals(opensslPem, SigningKey.fromPkcs8Pem(opensslPem).toPkcs8Pem());
    }

    @Test
    void shouldHaveOpensslReadOurPrivateKey() throws IOException {
        SigningKey key = SigningKey.generate(new SecureRandom());
        Files.writeString(dir.resolve("ours.pem"), key.toPkcs8Pem(), StandardCharsets.US_ASCII);

        String text = Openssl.ok(dir, "pkey", "-in", "ours.pem", "-noout", "-text");
        assertTrue(text.contains("ED25519 Private-Key"), text);
        assertEquals(key.verifyingKey().toPem(), Openssl.ok(dir, "pkey", "-in", "ours.pem", "-pubout"));
    }

    @Test
    void shouldHaveOpensslSignWithOurKeyFileIdenticallyToUs() throws IOException {
        // Ed25519 is deterministic: the same key and message give the same signature in any implementation.
        SigningKey key = KeyFile.create(dir.resolve(".vouch_key"), new SecureRandom());
        byte[] msg = "deterministic".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("msg"), msg);

        Openssl.ok(dir, "pkeyutl", "-sign", "-inkey", ".vouch_key", "-rawin", "-in", "msg", "-out", "sig");
        assertArrayEquals(key.sign(msg), Files.readAllBytes(dir.resolve("sig")));
    }

    @Test
    void shouldHaveOpensslVerifySignedNoteSignatureLine() throws IOException {
        SigningKey key = SigningKey.generate(new SecureRandom());
        String text = "example.com/log\n7\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n";
        String note = SignedNote.sign(text, "example.com/log", key);

        String line = note.substring(note.lastIndexOf("\n\n") + 2, note.length() - 1);
        byte[] idAndSig = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1));
        assertEquals(4 + 64, idAndSig.length);
        byte[] sig = java.util.Arrays.copyOfRange(idAndSig, 4, idAndSig.length);

        Files.write(dir.resolve("text"), text.getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("sig"), sig);
        Files.writeString(dir.resolve("pub.pem"), key.verifyingKey().toPem(), StandardCharsets.US_ASCII);
        String out = Openssl.ok(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin",
                "-in", "text", "-sigfile", "sig");
        assertTrue(out.contains("Signature Verified Successfully"), out);
    }

    @Test
    void shouldReadOpensslPublicKeyFileAsTrustAnchor() throws IOException {
        Openssl.ok(dir, "genpkey", "-algorithm", "ed25519", "-out", "k.pem");
        Openssl.ok(dir, "pkey", "-in", "k.pem", "-pubout", "-out", "pub.pem");

        VerifyingKey fromFile = VerifyingKey.read(dir.resolve("pub.pem"));
        assertEquals(SigningKey.fromPkcs8Pem(Files.readString(dir.resolve("k.pem"))).verifyingKey(), fromFile);
    }
}
