package dev.vouch.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.crypto.KeyFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The init container's secret copier on real files (ImageRunIT runs it in the image, as Kubernetes would). */
class SecretInstallerTest {
    @TempDir
    Path dir;

    private Path secret(String name, String content) throws IOException {
        Path f = dir.resolve("secret").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r-----")); // 0400 + fsGroup's read
        return f;
    }

    private String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = SecretInstaller.run(SecretInstaller.parse(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return rc + " " + out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldCopyTheTokenFileAsAPrivateFileReplacingAnOldCopy() throws IOException {
        Path tokens = secret("tokens", "agent bot sha256:aa\n");
        Path target = dir.resolve("run/tokens");
        Files.createDirectories(target.getParent());
        Files.writeString(target, "old\n");
        String out = run("--copy", tokens.toString(), target.toString());
        assertTrue(out.startsWith("0 secret-installer: copied "), out);
        assertEquals("agent bot sha256:aa\n", Files.readString(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void shouldSeedTheKeyOnlyOnceAndTightenTheGroupBitsAVolumeAddsLater() throws IOException {
        Path made = dir.resolve("made.key");
        KeyFile.create(made, new SecureRandom());
        Path key = secret("vouch.key", Files.readString(made));
        Path target = dir.resolve("data/vouch.key");
        Files.createDirectories(target.getParent());

        assertTrue(run("--seed", key.toString(), target.toString()).startsWith("0 secret-installer: seeded "));
        assertArrayEquals(Files.readAllBytes(made), Files.readAllBytes(target));
        assertEquals(KeyFile.load(made).verifyingKey(), KeyFile.load(target).verifyingKey()); // the ledger accepts it

        // The volume's key is the journal's current one (a rotation replaced it): a later start keeps it...
        Files.writeString(key, "a different secret\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw----")); // kubelet's fsGroup pass
        String out = run("--seed", key.toString(), target.toString());
        assertTrue(out.contains("kept " + target + " (mode 0660 tightened to 0600)"), out);
        assertArrayEquals(Files.readAllBytes(made), Files.readAllBytes(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void shouldLeaveAMissingKeyToTheGatewayButFailOnAMissingTokenFile() throws IOException {
        Path target = dir.resolve("data/vouch.key");
        Files.createDirectories(target.getParent());
        String out = run("--seed", dir.resolve("secret/vouch.key").toString(), target.toString());
        assertTrue(out.startsWith("0 secret-installer: no "), out);
        assertFalse(Files.exists(target));

        out = run("--copy", dir.resolve("secret/tokens").toString(), dir.resolve("data/tokens").toString());
        assertTrue(out.startsWith("1 secret-installer: ") && out.contains("no such file"), out);
    }

    @Test
    void shouldRefuseUnknownOptionsAndIncompleteSteps() {
        assertThrows(IllegalArgumentException.class, () -> SecretInstaller.parse(new String[] {"--move", "a", "b"}));
        assertThrows(IllegalArgumentException.class, () -> SecretInstaller.parse(new String[] {"--copy", "a"}));
        assertThrows(IllegalArgumentException.class, () -> SecretInstaller.parse(new String[0]));
        assertEquals(List.of(new SecretInstaller.Step(true, Path.of("a"), Path.of("b"))),
                SecretInstaller.parse(new String[] {"--seed", "a", "b"}));
    }
}
