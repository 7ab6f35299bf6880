package dev.vouch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.Dsse;
import dev.vouch.crypto.SigningKey;
import dev.vouch.crypto.VerifyingKey;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Dsse} against the DSSE specification's own test vectors (src/test/resources/dsse/SOURCE.md): the example of
 * its protocol.md, and its vectors.json, through a minimal verifier that follows the protocol's verification steps
 * (threshold over unique trusted keys, supported payload types, either base64 alphabet).
 */
class DsseSpecVectorsTest {
    /** protocol.md, "Test Vectors": ECDSA P-256 with SHA-256, deterministic (RFC 6979), r || s. */
    private static final String HELLO_TYPE = "http://example.com/HelloWorld";
    private static final String HELLO_SIG = "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==";
    private static final String HELLO_X = "46950820868899156662930047687818585632848591499744589407958293238635476079160";
    private static final String HELLO_Y = "5640078356564379163099075877009565129882514886557779369047442380624545832820";

    @Test
    void shouldEncodeTheProtocolExampleAndVerifyItsSignatureOverThatEncoding() throws Exception {
        byte[] pae = Dsse.pae(HELLO_TYPE, "hello world".getBytes(StandardCharsets.UTF_8));

        assertEquals("DSSEv1 29 http://example.com/HelloWorld 11 hello world", new String(pae, StandardCharsets.UTF_8));
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(new BigInteger(HELLO_X), new BigInteger(HELLO_Y)), params.getParameterSpec(ECParameterSpec.class)));
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initVerify(key);
        ecdsa.update(pae);
        assertTrue(ecdsa.verify(Base64.getDecoder().decode(HELLO_SIG)), "the spec's signature is over our PAE bytes");
        ecdsa.initVerify(key);
        ecdsa.update("hello world".getBytes(StandardCharsets.UTF_8));
        assertFalse(ecdsa.verify(Base64.getDecoder().decode(HELLO_SIG)), "and not over the payload alone");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldReachTheExpectedResultForEveryVectorOfTheSpecification() throws Exception {
        Map<String, Object> file;
        try (InputStream in = getClass().getResourceAsStream("/dsse/vectors.json")) {
            file = Cli.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Map<String, VerifyingKey> keys = new HashMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) file.get("keys")).entrySet()) {
            Map<String, Object> k = (Map<String, Object>) e.getValue();
            SigningKey signing = SigningKey.fromSeed(HexFormat.of().parseHex((String) k.get("seed")));
            assertEquals(k.get("public"), HexFormat.of().formatHex(signing.verifyingKey().bytes()), "RFC 8032 key");
            keys.put(e.getKey(), signing.verifyingKey());
        }
        List<Object> vectors = (List<Object>) file.get("vectors");
        assertEquals(9, vectors.size());
        for (Object o : vectors) {
            Map<String, Object> v = (Map<String, Object>) o;
            Map<String, Object> env = (Map<String, Object>) v.get("envelope");
            String type = (String) env.get("payloadType");
            byte[] payload = base64Either((String) env.get("payload"));
            if (!"payload-type-swapped".equals(v.get("id"))) {
                assertArrayEquals(HexFormat.of().parseHex((String) v.get("pae")), Dsse.pae(type, payload), (String) v.get("id"));
            }
            Set<String> accepted = new HashSet<>();
            for (Object s : (List<Object>) env.get("signatures")) {
                byte[] sig = base64Either((String) ((Map<String, Object>) s).get("sig"));
                for (Object trusted : (List<Object>) v.get("trustedKeys")) {
                    if (Dsse.verify(keys.get(trusted), type, payload, sig)) {
                        accepted.add((String) trusted);
                    }
                }
            }
            boolean accept = accepted.size() >= Cli.num(v.get("threshold"))
                    && ((List<Object>) v.get("supportedPayloadTypes")).contains(type);
            assertEquals(v.get("expect"), accept ? "accept" : "reject", (String) v.get("id"));
        }
    }

    /** DSSE verifiers must accept standard and URL-safe base64. */
    static byte[] base64Either(String s) {
        String std = s.replace('-', '+').replace('_', '/');
        return Base64.getDecoder().decode(std + "=".repeat((4 - std.length() % 4) % 4));
    }
}
