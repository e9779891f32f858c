package dev.telltale.upgrade.bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Set;

/**
 * A release signing key: an Ed25519 private key kept in a PKCS#8 PEM file readable only by its
 * owner, and the public key the appliances trust.
 */
public final class ReleaseSigner {

    /** The file name of a generated private key. */
    public static final String KEY_FILE = "release.key";
    /** The file name of a generated public key. */
    public static final String PUB_FILE = "release.pub";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private ReleaseSigner(KeyPair pair) {
        this.privateKey = pair.getPrivate();
        this.publicKey = pair.getPublic();
    }

    /**
     * Generates a key pair into {@code dir}: {@value #KEY_FILE} (PKCS#8 PEM, mode 0600) and
     * {@value #PUB_FILE} (X.509 PEM), creating the directory.
     *
     * @throws ReleaseKeyException if {@value #KEY_FILE} already exists (a key is never overwritten)
     * @throws UncheckedIOException if the files cannot be written
     */
    public static ReleaseSigner generate(Path dir) {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance(ReleaseKeys.ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no Ed25519", e);
        }
        Path key = dir.resolve(KEY_FILE);
        try {
            Files.createDirectories(dir);
            boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
            // The file is created with its final permissions before the key is written into it.
            if (posix) {
                Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(key);
            }
            Files.writeString(key, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            Files.writeString(dir.resolve(PUB_FILE), ReleaseKeys.toPem(pair.getPublic()), StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException e) {
            throw new ReleaseKeyException(key + ": already exists; a release key is never overwritten", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the release key into " + dir + ": " + e.getMessage(), e);
        }
        return new ReleaseSigner(pair);
    }

    /**
     * Loads a private key file written by {@link #generate}.
     *
     * @throws ReleaseKeyException naming the file if it is unreadable, not Ed25519, or readable by
     *                             group or others
     */
    public static ReleaseSigner load(Path keyFile) {
        refuseLoosePermissions(keyFile);
        byte[] der = Pem.read(keyFile, "PRIVATE KEY");
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(ReleaseKeys.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new ReleaseKeyException(keyFile + ": not an Ed25519 private key (PKCS#8 PEM expected)", e);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
        return new ReleaseSigner(new KeyPair(derivePublic(keyFile, key), key));
    }

    /** The public key to install on appliances. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** {@link ReleaseKeys#keyId} of the public key. */
    public String keyId() {
        return ReleaseKeys.keyId(publicKey);
    }

    /** The public key as PEM, as in {@value #PUB_FILE}. */
    public String publicKeyPem() {
        return ReleaseKeys.toPem(publicKey);
    }

    byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance(ReleaseKeys.ALGORITHM);
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    private static void refuseLoosePermissions(Path keyFile) {
        try {
            if (!Files.getFileStore(keyFile).supportsFileAttributeView(PosixFileAttributeView.class)) return;
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(keyFile);
            for (PosixFilePermission bad : Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE)) {
                if (p.contains(bad)) {
                    throw new ReleaseKeyException(keyFile + ": permissions " + PosixFilePermissions.toString(p)
                            + " let others read or change the release key; chmod 600 it");
                }
            }
        } catch (IOException e) {
            throw new ReleaseKeyException(keyFile + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The JDK has no call that computes an Ed25519 public key from a private one, but its key
     * generator derives the pair from 32 random bytes, which are the private key: fed those bytes,
     * it yields this key's public half. Checked by a signature round trip.
     */
    private static PublicKey derivePublic(Path keyFile, PrivateKey key) {
        byte[] seed = ((EdECPrivateKey) key).getBytes()
                .orElseThrow(() -> new ReleaseKeyException(keyFile + ": the private key's bytes are not available"));
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(ReleaseKeys.ALGORITHM);
            g.initialize(255, new SeedRandom(seed));
            PublicKey pub = g.generateKeyPair().getPublic();
            byte[] probe = "telltale release key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(ReleaseKeys.ALGORITHM);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(pub);
            s.update(probe);
            if (!s.verify(sig)) throw new ReleaseKeyException(keyFile + ": cannot derive the public key");
            return pub;
        } catch (GeneralSecurityException e) {
            throw new ReleaseKeyException(keyFile + ": cannot derive the public key (" + e.getMessage() + ")", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** Hands out the given bytes instead of random ones (only for {@link #derivePublic}). */
    private static final class SeedRandom extends SecureRandom {
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) throw new IllegalStateException("unexpected request for " + bytes.length + " bytes");
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
