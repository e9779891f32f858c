package dev.telltale.sso;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable values for the sign-in flow, and the PKCE S256 transform (RFC 7636). */
final class Randoms {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Randoms() {
    }

    /** 256 random bits as 43 base64url characters (also a valid PKCE verifier: 43-128 unreserved characters). */
    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return URL.encodeToString(b);
    }

    /** The S256 code challenge of a verifier: base64url(SHA-256(ASCII(verifier))). */
    static String challenge(String verifier) {
        try {
            return URL.encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Constant-time equality of two secrets. */
    static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
