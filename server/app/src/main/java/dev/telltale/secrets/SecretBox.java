package dev.telltale.secrets;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets this appliance must use again later (a provider's client secret, an integration's
 * token), sealed with AES-256-GCM under this instance's key ({@code DATA/secrets/settings.key},
 * 0600) before they reach the database. A copy of the database without the data directory's
 * key reveals nothing. Each sealed value is bound to its purpose (the GCM associated data), so a
 * value copied into another column does not open there.
 */
public final class SecretBox {
    private static final String VERSION = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    SecretBox(byte[] keyBytes) {
        this.key = new SecretKeySpec(keyBytes.clone(), "AES");
    }

    /** Loads {@code DATA/secrets/settings.key}, creating it (mode 0600) on first start. */
    public static SecretBox loadOrCreate(Path dataDir) {
        return new SecretBox(KeyFiles.loadOrCreate(dataDir, "settings.key"));
    }

    /**
     * Seals {@code secret} for {@code purpose} (a fresh random nonce each time). The result is
     * printable ASCII: {@code v1:} and base64 of nonce and ciphertext with its tag.
     */
    public String seal(String secret, String purpose) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, nonce, purpose);
            byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return VERSION + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /**
     * Opens a value {@link #seal} made for the same purpose with this instance's key.
     *
     * @throws IllegalArgumentException when the value is malformed, was sealed for another purpose
     *                                  or under another key, or was altered
     */
    public String open(String sealed, String purpose) {
        if (!sealed.startsWith(VERSION)) {
            throw new IllegalArgumentException("not a sealed secret");
        }
        byte[] all;
        try {
            all = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a sealed secret");
        }
        if (all.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalArgumentException("not a sealed secret");
        }
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(all, NONCE_BYTES), purpose);
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("the sealed secret does not open with this appliance's key"
                    + " (altered, another purpose, or another key)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String purpose) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
        return c;
    }
}
