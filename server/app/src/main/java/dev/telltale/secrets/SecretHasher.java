package dev.telltale.secrets;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Keyed hashes (HMAC-SHA256 with this instance's key) and masked forms of secrets seen in
 * telemetry. The same secret always hashes the same way on one appliance, so its uses can be
 * correlated, but the hash is useless without the key, which never leaves {@code DATA/secrets}.
 */
public final class SecretHasher {
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    SecretHasher(byte[] keyBytes) {
        this.key = new SecretKeySpec(keyBytes.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        });
    }

    /** Loads {@code DATA/secrets/hash.key}, creating it (mode 0600) on first start. */
    public static SecretHasher loadOrCreate(Path dataDir) {
        return new SecretHasher(KeyFiles.loadOrCreate(dataDir, "hash.key"));
    }

    /** Hex of the first 16 bytes of HMAC-SHA256(key, secret). */
    public String hash(String secret) {
        byte[] h = macs.get().doFinal(secret.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(h, 0, 16);
    }

    /**
     * A signature of {@code message} with this instance's key, for links the appliance hands
     * out and later checks (hex HMAC-SHA256). Domain-separated from secret hashes.
     */
    public String sign(String message) {
        byte[] h = macs.get().doFinal(("sign:" + message).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(h);
    }

    /** Constant-time check of a signature made by {@link #sign}. */
    public boolean verify(String message, String signature) {
        byte[] expected = sign(message).getBytes(StandardCharsets.US_ASCII);
        return java.security.MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }

    /** A form safe to show: a short prefix for long secrets, never enough to use. */
    public static String mask(String secret) {
        int n = secret.length();
        if (n >= 16) {
            return secret.substring(0, 4) + "…" + secret.substring(n - 2) + " (" + n + " chars)";
        }
        if (n >= 8) {
            return secret.substring(0, 2) + "… (" + n + " chars)";
        }
        return "… (" + n + " chars)";
    }
}
