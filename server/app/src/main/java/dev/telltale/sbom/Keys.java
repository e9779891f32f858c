package dev.telltale.sbom;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-256 keys of long paths and identities (unique indexes are on these). */
final class Keys {
    private Keys() {
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * The key of a file path, with the /usr merge undone: Debian 12 and most current systems make
     * /lib, /bin and /sbin links into /usr, so the loader may report /usr/lib/x where the package's
     * file list says /lib/x (and back); both give the same key.
     */
    static String path(String path) {
        String p = path;
        for (String dir : new String[] {"/usr/lib/", "/usr/lib64/", "/usr/lib32/", "/usr/bin/", "/usr/sbin/"}) {
            if (p.startsWith(dir)) {
                p = p.substring(4);
                break;
            }
        }
        return sha256(p);
    }
}
