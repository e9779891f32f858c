package dev.telltale.downloads;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The agent bundles in a directory ({@code telltale-agent-<os>-<arch>-<libc>.tar.gz}), with
 * checksums computed once per file version. Only names of that shape are ever served, so a
 * request cannot reach any other file.
 */
public final class Bundles {
    private static final Pattern NAME = Pattern.compile("telltale-agent-linux-x86_64-(glibc|musl)\\.tar\\.gz");
    private final Path dir;
    /** Checksums are costly on large files: recomputed only when size or modification time change. */
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Bundle bundle, long modified) {
    }

    public Bundles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Bundles present now, by name. Missing directory: none. */
    public List<Bundle> list() {
        List<Bundle> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    out.add(describe(p, m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new DownloadException("cannot list agent bundles in " + dir, e);
        }
        return out;
    }

    public Optional<Bundle> find(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return list().stream().filter(b -> b.name().equals(name)).findFirst();
    }

    private Bundle describe(Path p, String libc) throws IOException {
        long size = Files.size(p);
        long modified = Files.getLastModifiedTime(p).toMillis();
        Cached c = cache.get(p);
        if (c != null && c.bundle().size() == size && c.modified() == modified) {
            return c.bundle();
        }
        Bundle b = new Bundle(p.getFileName().toString(), p, size, sha256(p), libc);
        cache.put(p, new Cached(b, modified));
        return b;
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 << 10];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
