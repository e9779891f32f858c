package dev.telltale.upgrade.bundle;

import dev.telltale.upgrade.bundle.BundleRefusedException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A bundle that passed {@link Bundles#verify}: its manifest, and extraction of its parts. The
 * bundle file stays open, so replacing it on disk after verification changes nothing; every
 * file is hashed again while it is extracted, so changing it in place is caught too.
 */
public final class VerifiedBundle implements AutoCloseable {

    private final ZipFile zip;
    private final Manifest manifest;
    private boolean closed;

    VerifiedBundle(ZipFile zip, Manifest manifest) {
        this.zip = zip;
        this.manifest = manifest;
    }

    /** The verified manifest. */
    public Manifest manifest() {
        return manifest;
    }

    /**
     * Writes the release/ files under {@code dest} (created if missing).
     *
     * @return the files written
     * @see #extractOs(Path) for the guarantees
     */
    public List<Path> extractRelease(Path dest) {
        return extract(SafePaths.RELEASE, dest);
    }

    /**
     * Writes the os/ files under {@code root} (created if missing), e.g. os/etc/x to root/etc/x.
     * Each file is written to a temporary name beside its target, hashed as it is written, given
     * its manifest mode and renamed over the target only if its bytes match the manifest.
     * Directories are created with mode 0755; a symbolic link is never followed (a path through
     * one is refused) nor created; nothing is written outside {@code root}.
     *
     * @return the files written
     * @throws BundleRefusedException TAMPERED if a file's bytes differ from the manifest (files
     *                                already renamed into place stay: extract into a fresh directory),
     *                                UNSAFE_PATH if a path would pass through a symbolic link
     * @throws UncheckedIOException   if writing fails
     */
    public List<Path> extractOs(Path root) {
        return extract(SafePaths.OS, root);
    }

    private List<Path> extract(String prefix, Path dest) {
        if (closed) throw new IllegalStateException("the bundle is closed");
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dest);
            Path base = dest.toRealPath();
            for (FileEntry f : manifest.files()) {
                if (!f.path().startsWith(prefix)) continue;
                written.add(extractOne(f, base, f.path().substring(prefix.length())));
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract into " + dest + ": " + e.getMessage(), e);
        }
    }

    private Path extractOne(FileEntry f, Path base, String relative) throws IOException {
        String[] segments = relative.split("/");
        Path dir = base;
        for (int i = 0; i < segments.length - 1; i++) {
            dir = dir.resolve(segments[i]);
            if (Files.isSymbolicLink(dir)) {
                throw new BundleRefusedException(Reason.UNSAFE_PATH, f.path() + ": " + dir + " is a symbolic link; it is not followed");
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                createDirectory(dir);
            }
        }
        Path target = dir.resolve(segments[segments.length - 1]);
        if (!target.normalize().startsWith(base)) {
            throw new BundleRefusedException(Reason.UNSAFE_PATH, f.path() + ": outside " + base);
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new UncheckedIOException(new IOException(target + " is a directory; cannot replace it with " + f.path()));
        }
        Path temp = dir.resolve("." + target.getFileName() + ".ttu-partial");
        Files.deleteIfExists(temp);
        ZipEntry e = zip.getEntry(f.path());
        if (e == null) throw new BundleRefusedException(Reason.TAMPERED, f.path() + ": no longer in the bundle");
        // CREATE_NEW never opens an existing file or follows a link planted under the temporary name.
        try (FileChannel ch = FileChannel.open(temp, Set.<java.nio.file.OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), permissionsAttribute(temp, 0600));
             OutputStream out = Channels.newOutputStream(ch);
             InputStream in = zip.getInputStream(e)) {
            Hashing.copyChecked(in, out, f);
            ch.force(true);
        } catch (IOException | RuntimeException x) {
            Files.deleteIfExists(temp);
            if (x instanceof IOException io && !(x instanceof java.nio.file.FileSystemException)) {
                throw new BundleRefusedException(Reason.TAMPERED, f.path() + ": cannot be read (" + io.getMessage() + ")", io);
            }
            throw x;
        }
        setMode(temp, f.mode());
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private static void createDirectory(Path dir) throws IOException {
        Files.createDirectory(dir, permissionsAttribute(dir.getParent(), 0755));
        setMode(dir, 0755); // the umask may have taken bits away
    }

    private static java.nio.file.attribute.FileAttribute<?>[] permissionsAttribute(Path near, int mode) throws IOException {
        Path existing = near;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null || !Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return new java.nio.file.attribute.FileAttribute<?>[0];
        }
        return new java.nio.file.attribute.FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions(mode))};
    }

    private static void setMode(Path p, int mode) throws IOException {
        if (Files.getFileStore(p).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(p, permissions(mode));
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) s.add(p);
        }
        return s;
    }

    /** Closes the bundle file; extraction is then refused. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Bundles.closeQuietly(zip);
        }
    }
}
