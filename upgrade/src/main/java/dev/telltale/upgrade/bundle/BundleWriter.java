package dev.telltale.upgrade.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes a bundle: manifest.json, manifest.sig, then every file sorted by path. */
final class BundleWriter {

    private BundleWriter() {
    }

    static Manifest write(Path releaseDir, Optional<Path> osDir, Version version, Version minFrom,
                          ReleaseSigner signer, Instant created, Path out) {
        try {
            requireVersionFile(releaseDir, version);
            TreeMap<String, Path> sources = new TreeMap<>();
            collect(releaseDir, SafePaths.RELEASE, sources);
            if (osDir.isPresent()) collect(osDir.get(), SafePaths.OS, sources);
            List<FileEntry> entries = new ArrayList<>();
            for (var e : sources.entrySet()) entries.add(describe(e.getKey(), e.getValue()));
            Manifest manifest = new Manifest(Manifest.FORMAT, version, minFrom, created, signer.keyId(), entries);
            byte[] json = manifest.toJson();
            byte[] sig = new SignatureFile(signer.keyId(), signer.sign(json)).toJson();
            writeZip(out, manifest, json, sig, sources);
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bundle " + out + ": " + e.getMessage(), e);
        }
    }

    private static void requireVersionFile(Path releaseDir, Version version) throws IOException {
        Path file = releaseDir.resolve("VERSION");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(releaseDir + " is not a release: it has no VERSION file");
        String v = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!v.equals(version.toString())) {
            throw new IllegalArgumentException(file + " says " + v + " but the bundle's version is " + version);
        }
    }

    /**
     * Every regular file under {@code dir}. A symbolic link to a file inside {@code dir} (jlink
     * links duplicate legal notices) is stored as that file's bytes: bundles hold no links.
     */
    private static void collect(Path dir, String prefix, TreeMap<String, Path> into) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": no such directory");
        Path real = dir.toRealPath();
        List<Path> paths;
        try (Stream<Path> s = Files.walk(real)) {
            paths = s.sorted().toList();
        }
        for (Path p : paths) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
            Path source = p;
            if (Files.isSymbolicLink(p)) {
                source = p.toRealPath();
                if (!source.startsWith(real) || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalArgumentException(p + " is a symbolic link to " + source + ", outside " + dir
                            + " or not a file; a bundle holds only files");
                }
            } else if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(p + " is not a regular file; a bundle holds only files");
            }
            StringBuilder name = new StringBuilder(prefix);
            Path rel = real.relativize(p);
            for (int i = 0; i < rel.getNameCount(); i++) {
                if (i > 0) name.append('/');
                name.append(rel.getName(i));
            }
            SafePaths.requireSafe(name.toString(), "file");
            into.put(name.toString(), source);
        }
    }

    private static FileEntry describe(String name, Path file) throws IOException {
        MessageDigest md = Hashing.sha256();
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                size += n;
            }
        }
        return new FileEntry(name, size, HexFormat.of().formatHex(md.digest()), mode(file));
    }

    /** The file's permission bits without group/other write, like install.sh's chmod go-w. */
    private static int mode(Path file) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return Files.isExecutable(file) ? 0755 : 0644;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        int mode = 0;
        for (PosixFilePermission p : perms) mode |= 1 << (8 - p.ordinal());
        return mode & 0755;
    }

    private static void writeZip(Path out, Manifest manifest, byte[] json, byte[] sig, TreeMap<String, Path> sources)
            throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = parent.resolve(out.getFileName() + ".partial");
        long time = manifest.created().toEpochMilli();
        try (OutputStream fo = Files.newOutputStream(partial, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
             ZipOutputStream zip = new ZipOutputStream(fo)) {
            put(zip, Bundles.MANIFEST, json, time);
            put(zip, SignatureFile.NAME, sig, time);
            for (FileEntry f : manifest.files()) {
                ZipEntry e = new ZipEntry(f.path());
                e.setTime(time);
                zip.putNextEntry(e);
                try (InputStream in = Files.newInputStream(sources.get(f.path()))) {
                    // Checked again while copying: a file changed since it was hashed fails the build.
                    Hashing.copyChecked(in, zip, f);
                } catch (BundleRefusedException changed) {
                    throw new IllegalStateException("the file changed while the bundle was written: " + changed.getMessage());
                }
                zip.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        try (var ch = java.nio.channels.FileChannel.open(partial, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes, long time) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(time);
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }
}
