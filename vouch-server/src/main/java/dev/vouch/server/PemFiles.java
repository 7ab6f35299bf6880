package dev.vouch.server;

import dev.vouch.KeyFileException;
import dev.vouch.internal.SecretFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS material from PEM files, as operators usually hold it: a certificate chain ({@code CERTIFICATE} blocks, the
 * server's first) and its private key as unencrypted PKCS#8 ({@code PRIVATE KEY}: RSA, EC or Ed25519;
 * {@code openssl pkcs8 -topk8 -nocrypt} converts the older forms). The key file must be private like the signing key.
 */
final class PemFiles {
    private static final Pattern KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemFiles() {
    }

    /** A key store holding the key and chain under alias {@code vouch}, protected by {@code password}. */
    static KeyStore keyStore(Path certPem, Path keyPem, char[] password) {
        try {
            Certificate[] chain = certificates(certPem);
            PrivateKey key = privateKey(keyPem);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("vouch", key, password, chain);
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot build a TLS key store from " + certPem + " and " + keyPem
                    + ": " + e.getMessage(), e);
        }
    }

    private static Certificate[] certificates(Path file) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(file)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(file + ": no CERTIFICATE in it");
        }
        return certs.toArray(new Certificate[0]);
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        if (SecretFiles.isPosix(file)) {
            SecretFiles.checkPrivate(file, Files.readAttributes(file, PosixFileAttributes.class), "TLS key file");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = KEY.matcher(text);
        if (!m.find()) {
            throw new KeyFileException(file, "no unencrypted PKCS#8 'PRIVATE KEY' block; convert the key with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem'");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String alg : List.of("RSA", "EC", "Ed25519", "EdDSA", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new KeyFileException(file, "the PRIVATE KEY is not an RSA, EC or Ed25519 key");
    }
}
