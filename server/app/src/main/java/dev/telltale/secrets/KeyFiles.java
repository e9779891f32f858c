package dev.telltale.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** This instance's random keys under {@code DATA/secrets}, each in its own file readable by the owner only. */
final class KeyFiles {
    static final int KEY_BYTES = 32;

    private KeyFiles() {
    }

    /**
     * The 32-byte key in {@code DATA/secrets/<name>}, created with mode 0600 on first use.
     *
     * @throws UncheckedIOException when the file cannot be read or created
     * @throws IllegalStateException when the file does not hold exactly 32 bytes
     */
    static byte[] loadOrCreate(Path dataDir, String name) {
        Path dir = dataDir.resolve("secrets");
        Path file = dir.resolve(name);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                byte[] k = new byte[KEY_BYTES];
                new SecureRandom().nextBytes(k);
                try {
                    // Created with its final mode, so the key is never readable by others, not even briefly.
                    Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))), k, StandardOpenOption.WRITE);
                    return k;
                } catch (FileAlreadyExistsException raced) {
                    // another component created it first: read theirs below
                }
            }
            byte[] k = Files.readAllBytes(file);
            if (k.length != KEY_BYTES) {
                throw new IllegalStateException(file + " must hold " + KEY_BYTES + " bytes");
            }
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the key " + file, e);
        }
    }
}
