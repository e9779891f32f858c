package dev.telltale.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bearer secrets: a type prefix (so a leaked token is recognisable in logs and by secret
 * scanners) followed by 256 random bits in unpadded base64url. Stored and looked up only by
 * their SHA-256; with 256 bits of entropy a fast hash is enough, no salt or stretching needed.
 */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int RANDOM_BYTES = 32;

    private Tokens() {
    }

    /** {@code prefix} followed by 256 random bits, unpadded base64url. */
    public static String newToken(String prefix) {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return prefix + B64URL.encodeToString(bytes);
    }

    /** The lower-case hex SHA-256 of the token's UTF-8 bytes: how tokens are stored and looked up. */
    public static String sha256Hex(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
