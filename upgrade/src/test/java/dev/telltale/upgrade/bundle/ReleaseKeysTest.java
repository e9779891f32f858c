package dev.telltale.upgrade.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseKeysTest {

    @TempDir
    Path tmp;

    @Test
    void generatedKeysLoadBackWithTheSameId() throws IOException {
        ReleaseSigner made = ReleaseSigner.generate(tmp.resolve("k"));
        Path key = tmp.resolve("k/release.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        ReleaseSigner loaded = ReleaseSigner.load(key);
        assertEquals(made.keyId(), loaded.keyId(), "the public key derived from the private one");
        assertEquals(made.publicKey(), loaded.publicKey());
        ReleaseKeys keys = ReleaseKeys.load(tmp.resolve("k"));
        assertEquals(List.of(made.keyId()), keys.ids());
        assertEquals(16, made.keyId().length());
    }

    @Test
    void aKeyIsNeverOverwritten() {
        ReleaseSigner.generate(tmp);
        var e = assertThrows(ReleaseKeyException.class, () -> ReleaseSigner.generate(tmp));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void aPrivateKeyReadableByOthersIsRefused() throws IOException {
        ReleaseSigner.generate(tmp);
        Path key = tmp.resolve("release.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        var e = assertThrows(ReleaseKeyException.class, () -> ReleaseSigner.load(key));
        assertTrue(e.getMessage().endsWith("chmod 600 it"), e.getMessage());
    }

    @Test
    void otherAlgorithmsAreRefusedNamingTheFile() throws Exception {
        var rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Path pub = tmp.resolve("old-rsa.pub");
        Files.writeString(pub, Pem.encode("PUBLIC KEY", rsa.generateKeyPair().getPublic().getEncoded()));
        var e = assertThrows(ReleaseKeyException.class, () -> ReleaseKeys.load(tmp));
        assertEquals(pub + ": not an Ed25519 public key (it is a RSA key) (release keys must be Ed25519)", e.getMessage());
        Files.writeString(pub, "ssh-ed25519 AAAA... me@host\n");
        var ssh = assertThrows(ReleaseKeyException.class, () -> ReleaseKeys.load(tmp));
        assertTrue(ssh.getMessage().contains("no PEM block \"PUBLIC KEY\""), ssh.getMessage());
        var missing = assertThrows(ReleaseKeyException.class, () -> ReleaseKeys.load(tmp.resolve("none")));
        assertTrue(missing.getMessage().endsWith("no such directory of release keys"));
    }
}
