package dev.telltale.agent.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * What inspecting a jar found (SHA-256, size, coordinates), kept across processes in the
 * interceptor's cache directory ({@code TELLTALE_CACHE_DIR}, default
 * {@code /tmp/.telltale-cache-<euid>}) so the next JVM that loads the same unchanged jar does
 * not read it again. Keyed by path, size, modification time and file key (device and inode);
 * a nested jar by its outer jar's key and entry name. Used only when the directory is ours and
 * writable by nobody else, like the interceptor's own cache.
 */
final class HashCache {
    private final Path dir;

    private HashCache(Path dir) {
        this.dir = dir;
    }

    /** The cache, or a disabled one when there is no safe directory. */
    static HashCache open(Map<String, String> env) {
        try {
            long uid = euid();
            String d = env.getOrDefault("TELLTALE_CACHE_DIR", "");
            Path dir = Paths.get(d.isEmpty() ? "/tmp/.telltale-cache-" + uid : d);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Number owner = (Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int mode = ((Number) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
            if (owner.longValue() != uid || (mode & 022) != 0) {
                return new HashCache(null);
            }
            return new HashCache(dir);
        } catch (Exception | LinkageError e) {
            return new HashCache(null);
        }
    }

    /** The key of a file as it is now; null when it cannot be read. */
    static String fileKey(String path) {
        try {
            BasicFileAttributes a = Files.readAttributes(Paths.get(path), BasicFileAttributes.class);
            return path + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "|" + a.fileKey();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The key of a location's contents, or null for places not worth caching (directories, modules). */
    static String key(Location loc) {
        switch (loc.kind) {
            case JAR:
                return fileKey(loc.file);
            case NESTED_JAR: {
                String outer = fileKey(loc.file);
                return outer == null ? null : outer + "!/" + loc.entry;
            }
            default:
                return null;
        }
    }

    /** A cached result with a hash, or null. */
    JarInspector.Result get(String key) {
        if (dir == null || key == null) {
            return null;
        }
        try {
            Path f = dir.resolve(name(key));
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            String[] v = new String(Files.readAllBytes(f), StandardCharsets.UTF_8).split("\t", -1);
            if (v.length != 8 || !v[0].equals(key)) {
                return null;
            }
            JarInspector.Result r = new JarInspector.Result();
            r.sha256 = unhex(v[1]);
            r.size = Long.parseLong(v[2]);
            if (!v[4].isEmpty() || !v[5].isEmpty()) {
                r.coordinates = new Coordinates(nul(v[3]), nul(v[4]), nul(v[5]), v[6]);
            }
            return r.sha256.length == 32 ? r : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Remembers a result that has a hash (written to a temporary file, then renamed). */
    void put(String key, JarInspector.Result r) {
        if (dir == null || key == null || r.sha256 == null) {
            return;
        }
        try {
            Coordinates c = r.coordinates;
            String line = String.join("\t", key, hex(r.sha256), Long.toString(r.size),
                    c == null ? "" : str(c.group), c == null ? "" : str(c.artifact), c == null ? "" : str(c.version),
                    c == null ? "" : str(c.source), "");
            Path tmp = Files.createTempFile(dir, ".j", ".tmp");
            Files.write(tmp, line.getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, dir.resolve(name(key)), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (Exception e) {
            // a cache that cannot be written is only slower
        }
    }

    private static String name(String key) {
        return "java-" + hex(new Sha256().digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    private static String str(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ');
    }

    private static String nul(String s) {
        return s.isEmpty() ? null : s;
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return s.toString();
    }

    static byte[] unhex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not hex");
            }
            b[i] = (byte) (hi << 4 | lo);
        }
        return b;
    }

    /** The effective uid, from /proc/self/status. */
    static long euid() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
            }
        }
        throw new IOException("no Uid line");
    }
}
