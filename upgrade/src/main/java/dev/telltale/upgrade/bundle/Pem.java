package dev.telltale.upgrade.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** One PEM block in a small file (keys): "-----BEGIN LABEL-----", base64, "-----END LABEL-----". */
final class Pem {

    static final int MAX_FILE = 16 * 1024;

    private Pem() {
    }

    static byte[] read(Path file, String label) {
        byte[] raw;
        try {
            if (Files.size(file) > MAX_FILE) throw new ReleaseKeyException(file + ": larger than " + MAX_FILE + " bytes, not a key file");
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReleaseKeyException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        String text = new String(raw, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = text.indexOf(begin);
        int e = b < 0 ? -1 : text.indexOf(end, b);
        if (b < 0 || e < 0) {
            throw new ReleaseKeyException(file + ": no PEM block \"" + label + "\" (expected " + begin + ")");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e).strip());
        } catch (IllegalArgumentException x) {
            throw new ReleaseKeyException(file + ": the " + label + " block is not valid base64", x);
        }
    }

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
