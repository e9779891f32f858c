package dev.telltale.evaluation;

import dev.telltale.policy.Finding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Bounds keys and summaries. A long key keeps its start and gains a digest of the whole, so
 * two long keys that differ only at the end still group apart.
 */
final class Clip {
    private Clip() {
    }

    static String key(String key) {
        String k = key == null ? "" : key;
        if (k.length() <= Finding.KEY_MAX) {
            return k;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(k.getBytes(StandardCharsets.UTF_8));
            return k.substring(0, Finding.KEY_MAX - 18) + "…#" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String summary(String s) {
        String v = s == null ? "" : s;
        return v.length() <= Finding.SUMMARY_MAX ? v : v.substring(0, Finding.SUMMARY_MAX - 1) + "…";
    }
}
