package dev.vouch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vouch.KeyFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TLS files an operator hands the gateway, made with openssl as operators make them: each refusal names the file
 * and says what is wrong with it, in words an operator can act on (an outside operator's trial found a mismatched key
 * accepted, a directory refused for its mode, a missing file refused with only its name).
 */
class PemFilesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"rsa:2048", "ec", "ed25519"})
    void shouldReadAKeyThatBelongsToItsCertificate(String kind) throws Exception {
        Path[] pair = pair("a", kind);

        PemFiles.TlsKeys keys = PemFiles.read(pair[0], pair[1], Instant.now());

        assertTrue(keys.store().isKeyEntry("vouch"));
        assertEquals(List.of(), keys.warnings());
    }

    @Test
    void shouldRefuseAKeyThatIsNotTheCertificatesOwn() throws Exception {
        Path[] a = pair("a", "rsa:2048");
        Path[] b = pair("b", "rsa:2048");
        Path[] ec = pair("c", "ec");

        KeyFileException other = assertThrows(KeyFileException.class, () -> PemFiles.read(a[0], b[1], Instant.now()));
        KeyFileException otherKind = assertThrows(KeyFileException.class,
                () -> PemFiles.read(a[0], ec[1], Instant.now()));

        assertTrue(other.getMessage().startsWith(b[1] + ": the key is not the one the certificate in " + a[0]
                + " certifies"), other::getMessage);
        assertTrue(otherKind.getMessage().contains("its RSA public key does not match this EC key"),
                otherKind::getMessage);
    }

    @Test
    void shouldSayPlainlyWhyATlsFileCannotBeUsed() throws Exception {
        Path[] a = pair("a", "ec");
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        Path encrypted = tmp.resolve("encrypted.pem");
        assumeTrue(openssl("pkcs8", "-topk8", "-in", a[1].toString(), "-out", encrypted.toString(), "-passout",
                "pass:secret"));
        Files.setPosixFilePermissions(encrypted, PosixFilePermissions.fromString("rw-------"));

        assertEquals(tmp.resolve("none.pem") + ": TLS key file does not exist", assertThrows(KeyFileException.class,
                () -> PemFiles.read(a[0], tmp.resolve("none.pem"), Instant.now())).getMessage());
        assertEquals(dir + ": TLS key file is a directory, not a PEM file", assertThrows(KeyFileException.class,
                () -> PemFiles.read(a[0], dir, Instant.now())).getMessage());
        assertEquals(dir + ": TLS certificate file is a directory, not a PEM file", assertThrows(
                IllegalArgumentException.class, () -> PemFiles.read(dir, a[1], Instant.now())).getMessage());
        assertTrue(assertThrows(KeyFileException.class, () -> PemFiles.read(a[0], encrypted, Instant.now()))
                .getMessage().contains("the key is encrypted"));
        // Swapped: the certificate given as the key, the key as the certificate.
        Files.setPosixFilePermissions(a[0], PosixFilePermissions.fromString("rw-------"));
        String swapped = assertThrows(IllegalArgumentException.class, () -> PemFiles.read(a[1], a[0], Instant.now()))
                .getMessage();
        assertEquals(a[1] + ": no CERTIFICATE in it (it holds a private key: are the certificate and the key swapped?)",
                swapped);
        assertTrue(assertThrows(KeyFileException.class, () -> PemFiles.read(a[0], a[0], Instant.now())).getMessage()
                .contains("no private key in it, but a certificate: are the certificate and the key swapped?"));
    }

    @Test
    void shouldReadACombinedPemAndSayWhenTheChainDoesNotStartWithTheServersCertificate() throws Exception {
        // A re-trial: a haproxy-style file (key, then chain) read as "signed fields invalid", and a chain with the
        // CA first blamed the key.
        Path ca = tmp.resolve("ca.pem");
        Path caKey = tmp.resolve("ca-key.pem");
        Path leaf = tmp.resolve("leaf.pem");
        Path leafKey = tmp.resolve("leaf-key.pem");
        assumeTrue(openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "365", "-subj", "/CN=Test CA")
                && openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                        leafKey.toString(), "-out", tmp.resolve("leaf.csr").toString(), "-subj", "/CN=localhost")
                && openssl("x509", "-req", "-in", tmp.resolve("leaf.csr").toString(), "-CA", ca.toString(), "-CAkey",
                        caKey.toString(), "-CAcreateserial", "-out", leaf.toString(), "-days", "365"));
        Path combined = tmp.resolve("combined.pem");
        Files.writeString(combined, Files.readString(leafKey) + Files.readString(leaf) + Files.readString(ca));
        Files.setPosixFilePermissions(combined, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(leafKey, PosixFilePermissions.fromString("rw-------"));
        Path caFirst = Files.writeString(tmp.resolve("ca-first.pem"), Files.readString(ca) + Files.readString(leaf));
        Path empty = Files.writeString(tmp.resolve("empty.pem"), "");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));

        PemFiles.TlsKeys keys = PemFiles.read(combined, combined, Instant.now());
        String wrongOrder = assertThrows(IllegalArgumentException.class,
                () -> PemFiles.read(caFirst, leafKey, Instant.now())).getMessage();

        assertEquals(2, keys.store().getCertificateChain("vouch").length);
        assertTrue(wrongOrder.startsWith(caFirst + ": the chain must start with the server's certificate, but"
                + " certificate 2 (CN=localhost) is the one for the key in " + leafKey), wrongOrder);
        assertEquals(empty + ": TLS key file is empty", assertThrows(KeyFileException.class,
                () -> PemFiles.read(leaf, empty, Instant.now())).getMessage());
    }

    @Test
    void shouldWarnOfACertificateThatExpiredIsNotValidYetOrExpiresSoon() throws Exception {
        Path[] a = pair("a", "ec"); // valid for 365 days from now

        List<String> soon = PemFiles.read(a[0], a[1], Instant.now().plus(Duration.ofDays(350))).warnings();
        List<String> expired = PemFiles.read(a[0], a[1], Instant.now().plus(Duration.ofDays(400))).warnings();
        List<String> early = PemFiles.read(a[0], a[1], Instant.now().minus(Duration.ofDays(2))).warnings();

        assertTrue(soon.size() == 1 && soon.get(0).contains("the certificate expires on"), soon::toString);
        assertTrue(expired.size() == 1 && expired.get(0).startsWith(a[0] + ": the certificate expired on"),
                expired::toString);
        assertTrue(early.size() == 1 && early.get(0).contains("is not valid before"), early::toString);
    }

    /**
     * A self-signed certificate valid for 365 days and its key ({@code rsa:2048}, {@code ec} for P-256,
     * {@code ed25519}), key 0600.
     */
    private Path[] pair(String name, String kind) throws Exception {
        Path cert = tmp.resolve(name + "-cert.pem");
        Path key = tmp.resolve(name + "-key.pem");
        boolean made = kind.equals("ec")
                ? openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", key.toString(), "-out", cert.toString(), "-days", "365", "-subj", "/CN=localhost")
                : openssl("req", "-x509", "-newkey", kind, "-nodes", "-keyout", key.toString(), "-out",
                        cert.toString(), "-days", "365", "-subj", "/CN=localhost");
        assumeTrue(made, "openssl is needed to make a test certificate");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return new Path[] {cert, key};
    }

    private boolean openssl(String... args) throws Exception {
        return Openssl.run(tmp, args);
    }
}
