package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashCacheTest {
    @TempDir
    Path tmp;

    @Test
    void aCachedResultComesBackUntilTheFileChanges() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("cache"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        HashCache c = HashCache.open(Map.of("TELLTALE_CACHE_DIR", dir.toString()));
        Path jar = Files.write(tmp.resolve("a-1.0.jar"), new byte[] {1, 2, 3});
        Location loc = Location.parse(jar.toUri().toString());
        String key = HashCache.key(loc);
        assertNull(c.get(key));
        JarInspector.Result r = new JarInspector.Result();
        r.sha256 = new byte[32];
        r.sha256[0] = 7;
        r.size = 3;
        r.coordinates = new Coordinates("g", "a", "1.0", "pom");
        c.put(key, r);
        JarInspector.Result back = c.get(key);
        assertArrayEquals(r.sha256, back.sha256);
        assertEquals("pkg:maven/g/a@1.0", back.coordinates.purl());
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 5000));
        assertNotEquals(key, HashCache.key(loc));
        assertNull(c.get(HashCache.key(loc)));
    }

    @Test
    void aDirectoryOthersCanWriteIsNotUsed() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        HashCache c = HashCache.open(Map.of("TELLTALE_CACHE_DIR", dir.toString()));
        JarInspector.Result r = new JarInspector.Result();
        r.sha256 = new byte[32];
        c.put("k", r);
        assertNull(c.get("k"));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }
}
