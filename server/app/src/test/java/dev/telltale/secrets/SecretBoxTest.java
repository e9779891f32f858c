package dev.telltale.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretBoxTest {
    @TempDir
    Path data;

    @Test
    void sealedSecretsOpenOnlyWithTheirKeyAndPurpose() throws Exception {
        SecretBox box = SecretBox.loadOrCreate(data);
        String sealed = box.seal("s3cret ünïcode", "a.purpose");
        assertTrue(sealed.startsWith("v1:") && !sealed.contains("s3cret"), sealed);
        assertNotEquals(sealed, box.seal("s3cret ünïcode", "a.purpose"), "a fresh nonce every time");
        assertEquals("s3cret ünïcode", box.open(sealed, "a.purpose"));
        assertEquals("s3cret ünïcode", SecretBox.loadOrCreate(data).open(sealed, "a.purpose"), "the key persists");
        assertThrows(IllegalArgumentException.class, () -> box.open(sealed, "another.purpose"));
        byte[] raw = java.util.Base64.getDecoder().decode(sealed.substring(3));
        raw[raw.length - 1] ^= 1;
        String altered = "v1:" + java.util.Base64.getEncoder().encodeToString(raw);
        assertThrows(IllegalArgumentException.class, () -> box.open(altered, "a.purpose"));
        assertThrows(IllegalArgumentException.class, () -> box.open("v1:AAAA", "a.purpose"));
        assertThrows(IllegalArgumentException.class, () -> box.open("clear text", "a.purpose"));
        assertThrows(IllegalArgumentException.class, () -> new SecretBox(new byte[32]).open(sealed, "a.purpose"));

        Path key = data.resolve("secrets/settings.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(32, Files.size(key));
        SecretHasher.loadOrCreate(data);
        assertEquals(32, Files.size(data.resolve("secrets/hash.key")));
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(key), Files.readAllBytes(data.resolve("secrets/hash.key"))),
                "one key per use");
    }
}
