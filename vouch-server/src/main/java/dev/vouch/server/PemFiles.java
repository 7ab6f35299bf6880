package dev.vouch.server;

import dev.vouch.KeyFileException;
import dev.vouch.internal.SecretFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS material from PEM files, as operators usually hold it: a certificate chain ({@code CERTIFICATE} blocks, the
 * server's first) and its private key as unencrypted PKCS#8 ({@code PRIVATE KEY}: RSA, EC or Ed25519;
 * {@code openssl pkcs8 -topk8 -nocrypt} converts the older forms). The key file must be private like the signing key.
 * Read before the ledger opens, so that a start refused for its TLS files leaves no journal or key behind; the key
 * must belong to the certificate (an operator's mismatched key started, and every handshake then failed unlogged).
 */
final class PemFiles {
    private static final Pattern CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");
    private static final Pattern KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    /** How soon before its end a certificate's coming expiry is logged at start. */
    private static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    /** A key store holding the key and chain under alias {@code vouch}, its password, and what to warn about. */
    record TlsKeys(KeyStore store, String password, List<String> warnings) {
    }

    private PemFiles() {
    }

    /**
     * Reads and checks the chain and its key.
     *
     * @throws IllegalArgumentException naming the certificate file, if it holds no usable certificate chain
     * @throws KeyFileException naming the key file, if it is missing, not private, not an unencrypted PKCS#8 key, or
     *     not the key of the chain's first certificate
     */
    static TlsKeys read(Path certPem, Path keyPem, Instant now) {
        X509Certificate[] chain = certificates(certPem);
        PrivateKey key = privateKey(keyPem);
        checkPair(key, chain, certPem, keyPem);
        try {
            byte[] pw = new byte[24];
            new SecureRandom().nextBytes(pw);
            String password = Base64.getEncoder().encodeToString(pw);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("vouch", key, password.toCharArray(), chain);
            return new TlsKeys(ks, password, validity(chain[0], certPem, now));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot build a TLS key store from " + certPem + " and " + keyPem
                    + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate[] certificates(Path file) {
        String text = text(file, "TLS certificate file",
                message -> new IllegalArgumentException(file + ": " + message));
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException(file + ": no CERTIFICATE in it" + (text.contains("PRIVATE KEY-----")
                    ? " (it holds a private key: are the certificate and the key swapped?)" : ""));
        }
        // Each CERTIFICATE block on its own: other blocks (the key of a combined PEM, as haproxy keeps them) are not
        // the chain, and Java's parser read a key block before the chain as a broken certificate.
        List<X509Certificate> chain = new ArrayList<>();
        Matcher m = CERTIFICATE.matcher(text);
        while (m.find()) {
            try {
                chain.add((X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.US_ASCII))));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(file + ": certificate " + (chain.size() + 1) + " in it is not a"
                        + " valid X.509 certificate (" + e.getMessage() + ")", e);
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(file + ": no complete CERTIFICATE block in it");
        }
        return chain.toArray(new X509Certificate[0]);
    }

    private static PrivateKey privateKey(Path file) {
        String text = text(file, "TLS key file", message -> new KeyFileException(file, message));
        if (SecretFiles.isPosix(file)) {
            try {
                SecretFiles.checkPrivate(file, Files.readAttributes(file, PosixFileAttributes.class), "TLS key file");
            } catch (IOException e) {
                throw new KeyFileException(file, "cannot read the TLS key file's attributes: " + e.getMessage(), e);
            }
        }
        Matcher m = KEY.matcher(text);
        if (!m.find()) {
            throw new KeyFileException(file, text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
                    ? "the key is encrypted, and the gateway cannot ask for its passphrase; decrypt it with"
                            + " 'openssl pkcs8 -in encrypted.pem -out key.pem' (then chmod 600 key.pem)"
                    : text.contains("-----BEGIN CERTIFICATE-----") && !text.contains("PRIVATE KEY-----")
                            ? "no private key in it, but a certificate: are the certificate and the key swapped?"
                            : "no unencrypted PKCS#8 'PRIVATE KEY' block; convert the key with"
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

    /** The file's text, or a refusal saying plainly why it cannot be read (missing, a directory, unreadable). */
    private static String text(Path file, String what, java.util.function.Function<String, RuntimeException> refusal) {
        if (Files.isDirectory(file)) {
            throw refusal.apply(what + " is a directory, not a PEM file");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw refusal.apply(what + " does not exist");
        } catch (java.nio.file.AccessDeniedException e) {
            throw refusal.apply(FileAccess.denied(file, what) + ": the user that runs the gateway must be able to read"
                    + " it" + (what.contains("key") ? ", and own it, mode 0600" : ""));
        } catch (IOException e) {
            throw refusal.apply("cannot read the " + what + ": " + (e.getMessage() == null || e.getMessage()
                    .equals(file.toString()) ? "an I/O error" : e.getMessage()));
        }
        if (text.isBlank()) {
            throw refusal.apply(what + " is empty");
        }
        return text;
    }

    /**
     * Refuses a key that is not the chain's first certificate's, naming the certificate it belongs to if the chain
     * holds it further down (an operator's chain had the intermediate first, and the refusal blamed the key).
     */
    private static void checkPair(PrivateKey key, X509Certificate[] chain, Path certPem, Path keyPem) {
        PublicKey certified = chain[0].getPublicKey();
        if (matches(key, certified)) {
            return;
        }
        for (int i = 1; i < chain.length; i++) {
            if (matches(key, chain[i].getPublicKey())) {
                throw new IllegalArgumentException(certPem + ": the chain must start with the server's certificate,"
                        + " but certificate " + (i + 1) + " (" + chain[i].getSubjectX500Principal().getName()
                        + ") is the one for the key in " + keyPem + ", after "
                        + chain[0].getSubjectX500Principal().getName() + "; put it first");
            }
        }
        throw new KeyFileException(keyPem, "the key is not the one the certificate in " + certPem
                + " certifies (its " + certified.getAlgorithm() + " public key does not match this "
                + key.getAlgorithm() + " key): every TLS handshake would fail");
    }

    /**
     * Whether {@code key} is the private half of {@code certified}: it signs a random message, and {@code certified}
     * checks it. A key of a kind this cannot sign with (RSASSA-PSS needs its parameters) is left to the handshake.
     */
    private static boolean matches(PrivateKey key, PublicKey certified) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] message = new byte[32];
            new SecureRandom().nextBytes(message);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (java.security.InvalidKeyException | java.security.SignatureException otherKind) {
            return false;
        } catch (GeneralSecurityException e) {
            return true; // cannot tell here: the handshake will
        }
    }

    /** What an operator must hear at start about the server certificate's validity: expired, not yet, or soon. */
    private static List<String> validity(X509Certificate cert, Path file, Instant now) {
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            return List.of(file + ": the certificate expired on " + notAfter + "; clients that check it will refuse"
                    + " every connection");
        }
        if (now.isBefore(notBefore)) {
            return List.of(file + ": the certificate is not valid before " + notBefore + "; clients that check it will"
                    + " refuse every connection until then");
        }
        if (now.plus(EXPIRY_WARNING).isAfter(notAfter)) {
            return List.of(file + ": the certificate expires on " + notAfter + ", within "
                    + EXPIRY_WARNING.toDays() + " days");
        }
        return List.of();
    }
}
