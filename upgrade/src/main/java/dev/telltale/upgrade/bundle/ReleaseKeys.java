package dev.telltale.upgrade.bundle;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Ed25519 public keys whose signatures an appliance accepts on upgrade bundles (on the
 * appliance: /etc/telltale/release-keys/*.pub, installed with it). Immutable.
 */
public final class ReleaseKeys {

    /** Hex digits of a key id. */
    public static final int KEY_ID_LENGTH = 16;
    static final String ALGORITHM = "Ed25519";

    private final Map<String, PublicKey> byId;

    private ReleaseKeys(Map<String, PublicKey> byId) {
        this.byId = Collections.unmodifiableMap(new TreeMap<>(byId));
    }

    /**
     * Reads every {@code *.pub} in {@code dir}: PEM "PUBLIC KEY" blocks (X.509 SubjectPublicKeyInfo)
     * of Ed25519 keys. A directory without such files gives an empty set (every bundle is then refused).
     *
     * @throws ReleaseKeyException naming the directory or the file that is missing, unreadable or not Ed25519
     */
    public static ReleaseKeys load(Path dir) {
        if (!Files.isDirectory(dir)) throw new ReleaseKeyException(dir + ": no such directory of release keys");
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.pub")) {
            ds.forEach(files::add);
        } catch (IOException e) {
            throw new ReleaseKeyException(dir + ": cannot list release keys (" + e.getMessage() + ")", e);
        }
        Collections.sort(files);
        Map<String, PublicKey> keys = new TreeMap<>();
        for (Path f : files) {
            PublicKey k = readPublicKey(f);
            keys.put(keyId(k), k);
        }
        return new ReleaseKeys(keys);
    }

    /**
     * The given keys.
     *
     * @throws IllegalArgumentException if one is not an Ed25519 key
     */
    public static ReleaseKeys of(PublicKey... keys) {
        Map<String, PublicKey> m = new TreeMap<>();
        for (PublicKey k : keys) {
            if (!isEd25519(k)) throw new IllegalArgumentException("not an Ed25519 public key: " + k.getAlgorithm());
            m.put(keyId(k), k);
        }
        return new ReleaseKeys(m);
    }

    /** The first {@value #KEY_ID_LENGTH} hex digits of the SHA-256 of the key's X.509 encoding. */
    public static String keyId(PublicKey key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(d).substring(0, KEY_ID_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    /** The trusted key with this id. */
    public Optional<PublicKey> find(String keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    /** The ids of the trusted keys, sorted. */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    /**
     * Reads one PEM public key file.
     *
     * @throws ReleaseKeyException naming the file if it is unreadable or not an Ed25519 key
     */
    public static PublicKey readPublicKey(Path file) {
        byte[] der = Pem.read(file, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new ReleaseKeyException(file + ": not an Ed25519 public key" + otherAlgorithm(der)
                    + " (release keys must be Ed25519)", e);
        }
    }

    /** Encodes a public key as PEM. */
    static String toPem(PublicKey key) {
        return Pem.encode("PUBLIC KEY", key.getEncoded());
    }

    static boolean isKeyId(String s) {
        return s.length() == KEY_ID_LENGTH && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    static boolean isEd25519(java.security.Key k) {
        return ALGORITHM.equals(k.getAlgorithm()) || "EdDSA".equals(k.getAlgorithm());
    }

    private static String otherAlgorithm(byte[] der) {
        for (String alg : List.of("RSA", "EC", "Ed448", "DSA", "X25519", "X448")) {
            try {
                KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
                return " (it is a " + alg + " key)";
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this one either
            }
        }
        return "";
    }
}
