package dev.telltale.upgrade.bundle;

/**
 * Bounds on what a bundle may make the verifier read, against zip bombs and oversized uploads.
 *
 * @param maxTotalBytes the most bytes all files together may hold once uncompressed
 * @param maxEntries    the most zip entries (files plus manifest and signature)
 * @param maxRatio      the highest uncompressed-to-compressed ratio of an entry larger than 1 MiB;
 *                      deflate cannot exceed about 1032, so more means a lying archive
 */
public record BundleLimits(long maxTotalBytes, int maxEntries, int maxRatio) {

    /** 4 GiB, the manifest's file limit plus two entries, ratio 1000. */
    public static final BundleLimits DEFAULT = new BundleLimits(4L << 30, Manifest.MAX_FILES + 2, 1000);

    /** Validates the bounds. */
    public BundleLimits {
        if (maxTotalBytes <= 0 || maxEntries <= 2 || maxRatio <= 1) {
            throw new IllegalArgumentException("bundle limits must be positive (max-total-bytes " + maxTotalBytes
                    + ", max-entries " + maxEntries + ", max-ratio " + maxRatio + ")");
        }
    }

    /** These limits with another total size bound. */
    public BundleLimits withMaxTotalBytes(long bytes) {
        return new BundleLimits(bytes, maxEntries, maxRatio);
    }
}
