package dev.telltale.upgrade.bundle;

import dev.telltale.upgrade.bundle.BundleRefusedException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Copies a stream while counting and hashing it, stopping as soon as it exceeds the expected size. */
final class Hashing {

    private static final int BUFFER = 64 * 1024;

    private Hashing() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    /**
     * Reads {@code in} to its end (or one byte past {@code expectedSize}), writing to {@code out}
     * if given, and refuses (TAMPERED) a size or digest that differs from the entry's.
     */
    static void copyChecked(InputStream in, OutputStream out, FileEntry entry) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.readNBytes(buf, 0, (int) Math.min(buf.length, entry.size() - total + 1))) > 0) {
            total += n;
            if (total > entry.size()) {
                throw new BundleRefusedException(Reason.TAMPERED,
                        entry.path() + ": more than the manifest's " + entry.size() + " bytes");
            }
            md.update(buf, 0, n);
            if (out != null) out.write(buf, 0, n);
        }
        if (total != entry.size()) {
            throw new BundleRefusedException(Reason.TAMPERED,
                    entry.path() + ": " + total + " bytes, the manifest says " + entry.size());
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equals(entry.sha256())) {
            throw new BundleRefusedException(Reason.TAMPERED,
                    entry.path() + ": SHA-256 " + actual + ", expected " + entry.sha256());
        }
    }
}
