package dev.telltale.upgrade.bundle;

import java.util.HexFormat;
import java.util.Objects;

/**
 * One file of an upgrade bundle as its manifest lists it.
 *
 * @param path   the zip entry name: {@code release/...} or {@code os/...}
 * @param size   its length in bytes
 * @param sha256 the SHA-256 of its bytes, 64 lower-case hex digits
 * @param mode   its permission bits (at most 0777, never group- or world-writable), e.g. 0644
 */
public record FileEntry(String path, long size, String sha256, int mode) {

    /** Validates every field; throws {@link BundleRefusedException} naming the bad one. */
    public FileEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        SafePaths.requireSafe(path, "manifest file path");
        SafePaths.requireBundleFile(path);
        if (size < 0) {
            throw Manifest.malformed(path + ": size " + size + " is negative");
        }
        if (sha256.length() != 64 || !sha256.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw Manifest.malformed(path + ": sha256 is not 64 lower-case hex digits");
        }
        if (mode < 0 || mode > 0777 || (mode & 0022) != 0) {
            throw Manifest.malformed(path + ": mode " + octal(mode) + " (must be at most 0777 and not group- or world-writable)");
        }
    }

    /** The SHA-256 as bytes. */
    byte[] digest() {
        return HexFormat.of().parseHex(sha256);
    }

    /** The mode as four octal digits, e.g. {@code 0755}. */
    public String modeOctal() {
        return octal(mode);
    }

    static String octal(int mode) {
        return String.format("%04o", mode);
    }
}
