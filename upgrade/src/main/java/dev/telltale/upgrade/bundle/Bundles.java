package dev.telltale.upgrade.bundle;

import dev.telltale.upgrade.bundle.BundleRefusedException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Signed upgrade bundles (docs/upgrades.md, "Bundles"): {@link #build} one from a release,
 * {@link #verify} one before anything of it is used, {@link #inspect} one without trusting it.
 */
public final class Bundles {

    static final String MANIFEST = "manifest.json";
    private static final long RATIO_FLOOR = 1 << 20;

    private Bundles() {
    }

    /**
     * Writes a signed bundle of {@code releaseDir} (stored under release/) and, if given, of an
     * overlay of the root file system (stored under os/), to {@code out}: first to
     * {@code out.partial}, renamed when complete. Entries are sorted; modes come from the files
     * without group/other write; symbolic links inside a directory are stored as the file they name.
     *
     * @return the manifest that was signed
     * @throws IllegalArgumentException if releaseDir has no VERSION file saying {@code version}, a
     *                                  directory is missing, or holds something other than files
     * @throws BundleRefusedException   if a file name is unsafe or there are too many files
     * @throws UncheckedIOException     if reading or writing fails
     */
    public static Manifest build(Path releaseDir, Optional<Path> osDir, Version version, Version minFrom,
                                 ReleaseSigner signer, Path out) {
        return BundleWriter.write(releaseDir, osDir, version, minFrom, signer,
                Instant.now().truncatedTo(ChronoUnit.SECONDS), out);
    }

    /** {@link #verify(Path, ReleaseKeys, Version, BundleLimits)} with {@link BundleLimits#DEFAULT}. */
    public static VerifiedBundle verify(Path bundle, ReleaseKeys trusted, Version current) {
        return verify(bundle, trusted, current, BundleLimits.DEFAULT);
    }

    /**
     * Checks a bundle completely without writing anything: a zip with a manifest, signed by a
     * trusted key with a valid signature, a manifest that parses, safe entry names, exactly the
     * listed files, within {@code limits}, every file's bytes as listed, and a version that
     * upgrades {@code current} (not the same, not older, not below the bundle's min-from).
     *
     * @return the verified bundle, open for extraction; close it
     * @throws BundleRefusedException at the first failing check, with its reason and a precise message
     */
    public static VerifiedBundle verify(Path bundle, ReleaseKeys trusted, Version current, BundleLimits limits) {
        ZipFile zip = open(bundle);
        try {
            Manifest manifest = verifyOpen(zip, trusted, current, limits);
            return new VerifiedBundle(zip, manifest);
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    /**
     * Reads a bundle's manifest without checking its signature or its files (for display only:
     * nothing of an inspected bundle may be trusted).
     *
     * @throws BundleRefusedException if it is not a zip or its manifest does not parse
     */
    public static Manifest inspect(Path bundle) {
        try (ZipFile zip = open(bundle)) {
            return Manifest.parse(read(zip, requireManifest(zip), Manifest.MAX_BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Manifest verifyOpen(ZipFile zip, ReleaseKeys trusted, Version current, BundleLimits limits) {
        if (zip.size() > limits.maxEntries()) {
            throw new BundleRefusedException(Reason.TOO_LARGE,
                    "the bundle has " + zip.size() + " entries (at most " + limits.maxEntries() + ")");
        }
        ZipEntry manifestEntry = requireManifest(zip);
        ZipEntry sigEntry = zip.getEntry(SignatureFile.NAME);
        if (sigEntry == null) throw new BundleRefusedException(Reason.UNSIGNED, "the bundle is not signed (no " + SignatureFile.NAME + ")");
        SignatureFile sig = SignatureFile.parse(read(zip, sigEntry, SignatureFile.MAX_BYTES));
        PublicKey key = trusted.find(sig.keyId()).orElseThrow(() -> new BundleRefusedException(Reason.UNKNOWN_KEY,
                "signed by key " + sig.keyId() + ", which this appliance does not trust (trusted: "
                        + (trusted.ids().isEmpty() ? "none" : String.join(", ", trusted.ids())) + ")"));
        byte[] json = read(zip, manifestEntry, Manifest.MAX_BYTES);
        if (!signatureValid(key, json, sig.signature())) {
            throw new BundleRefusedException(Reason.BAD_SIGNATURE, "the signature does not match " + MANIFEST
                    + " for key " + sig.keyId() + ": the manifest was changed after it was signed");
        }
        Manifest manifest = Manifest.parse(json);
        if (!manifest.keyId().equals(sig.keyId())) {
            throw Manifest.malformed("key-id " + manifest.keyId() + " is not the signing key " + sig.keyId());
        }
        Set<String> names = safeNames(zip);
        checkListing(manifest, names, limits);
        for (FileEntry f : manifest.files()) checkFile(zip, f, limits);
        checkVersionPath(manifest, current);
        return manifest;
    }

    private static ZipFile open(Path bundle) {
        if (!java.nio.file.Files.isRegularFile(bundle)) {
            throw new BundleRefusedException(Reason.MALFORMED, "not an upgrade bundle: " + bundle + " is not a file");
        }
        try {
            return new ZipFile(bundle.toFile());
        } catch (IOException e) {
            throw new BundleRefusedException(Reason.MALFORMED, "not an upgrade bundle: " + bundle.getFileName()
                    + " is not a readable zip file (" + e.getMessage() + ")", e);
        }
    }

    private static ZipEntry requireManifest(ZipFile zip) {
        ZipEntry e = zip.getEntry(MANIFEST);
        if (e == null) throw new BundleRefusedException(Reason.MALFORMED, "not an upgrade bundle: it has no " + MANIFEST);
        return e;
    }

    /** Reads an entry's actual bytes (never trusting the header's size), at most {@code max}. */
    private static byte[] read(ZipFile zip, ZipEntry e, int max) {
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new BundleRefusedException(Reason.TOO_LARGE, e.getName() + " is larger than " + max + " bytes");
            }
            return b;
        } catch (IOException x) {
            throw new BundleRefusedException(Reason.MALFORMED, e.getName() + " cannot be read: " + x.getMessage(), x);
        }
    }

    private static boolean signatureValid(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ReleaseKeys.ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static Set<String> safeNames(ZipFile zip) {
        Set<String> names = new HashSet<>();
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String name = en.nextElement().getName();
            SafePaths.requireSafe(name, "entry");
            if (!names.add(name)) {
                throw new BundleRefusedException(Reason.UNSAFE_PATH, "entry " + SafePaths.quote(name) + " is in the bundle twice");
            }
        }
        return names;
    }

    private static void checkListing(Manifest manifest, Set<String> names, BundleLimits limits) {
        long total = manifest.totalSize();
        if (total > limits.maxTotalBytes()) {
            throw new BundleRefusedException(Reason.TOO_LARGE, "the bundle's files hold " + total
                    + " bytes (at most " + limits.maxTotalBytes() + ")");
        }
        Set<String> listed = new HashSet<>();
        for (FileEntry f : manifest.files()) {
            listed.add(f.path());
            if (!names.contains(f.path())) {
                throw new BundleRefusedException(Reason.MISSING_FILE, f.path() + ": listed in the manifest but not in the bundle");
            }
        }
        Set<String> extra = new TreeSet<>(names);
        extra.removeAll(listed);
        extra.removeAll(List.of(MANIFEST, SignatureFile.NAME));
        if (!extra.isEmpty()) {
            throw new BundleRefusedException(Reason.UNLISTED_FILE, SafePaths.quote(extra.iterator().next())
                    + " is in the bundle but not in the manifest" + (extra.size() > 1 ? " (and " + (extra.size() - 1) + " more)" : ""));
        }
    }

    private static void checkFile(ZipFile zip, FileEntry f, BundleLimits limits) {
        ZipEntry e = zip.getEntry(f.path());
        long compressed = Math.max(1, e.getCompressedSize());
        if (f.size() > RATIO_FLOOR && f.size() / compressed > limits.maxRatio()) {
            throw new BundleRefusedException(Reason.TOO_LARGE, f.path() + ": " + f.size() + " bytes from "
                    + compressed + " compressed, a ratio above " + limits.maxRatio());
        }
        try (InputStream in = zip.getInputStream(e)) {
            Hashing.copyChecked(in, null, f);
        } catch (IOException x) {
            throw new BundleRefusedException(Reason.TAMPERED, f.path() + ": cannot be read (" + x.getMessage() + ")", x);
        }
    }

    static void checkVersionPath(Manifest m, Version current) {
        int c = m.version().compareTo(current);
        if (c == 0) throw new BundleRefusedException(Reason.SAME_VERSION, current + " is already installed");
        if (c < 0) throw new BundleRefusedException(Reason.DOWNGRADE, "downgrade from " + current + " to " + m.version() + " refused");
        if (current.compareTo(m.minFrom()) < 0) {
            throw new BundleRefusedException(Reason.UNSUPPORTED_PATH, current + " cannot be upgraded to " + m.version()
                    + " directly: upgrade to " + m.minFrom() + " or later first");
        }
    }

    static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // closing a read-only file: nothing to lose
        }
    }
}
