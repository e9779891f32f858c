package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.lang3.StringUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hashing and coordinates of real jars (commons-lang3 from the local repository) and of jars nested in jars. */
class JarInspectorTest {
    @TempDir
    Path tmp;

    private static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    private static Path realJar() throws Exception {
        return Path.of(StringUtils.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void plainJar() throws Exception {
        Path jar = realJar();
        JarInspector.Result r = JarInspector.inspect(Location.parse(jar.toUri().toString()));
        assertArrayEquals(sha(Files.readAllBytes(jar)), r.sha256);
        assertEquals(Files.size(jar), r.size);
        assertEquals("pkg:maven/org.apache.commons/commons-lang3@3.18.0", r.coordinates.purl());
    }

    @Test
    void nestedJarIsHashedAsTheEntrysBytes() throws Exception {
        byte[] inner = Files.readAllBytes(realJar());
        for (boolean stored : new boolean[] {true, false}) {
            Path fat = tmp.resolve("fat-" + stored + ".jar");
            try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(fat))) {
                z.putNextEntry(new ZipEntry("BOOT-INF/classes/app/Main.class"));
                z.write(new byte[] {1, 2, 3});
                ZipEntry e = new ZipEntry("BOOT-INF/lib/commons-lang3-3.18.0.jar");
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(inner);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(inner.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(inner);
            }
            Location loc = Location.parse("jar:nested:" + fat + "/!BOOT-INF/lib/commons-lang3-3.18.0.jar!/");
            JarInspector.Result r = JarInspector.inspect(loc);
            assertArrayEquals(sha(inner), r.sha256, "stored=" + stored);
            assertEquals(inner.length, r.size);
            assertEquals("pkg:maven/org.apache.commons/commons-lang3@3.18.0", r.coordinates.purl());
            assertEquals(fat.toString(), loc.parent());
        }
    }

    @Test
    void centralDirectoryReaderFindsMetadataOfARealJar() throws Exception {
        java.util.Map<String, byte[]> m = ZipBytes.read(Files.readAllBytes(realJar()),
                n -> n.endsWith("pom.properties") || n.equals("META-INF/MANIFEST.MF"));
        assertEquals(2, m.size());
        assertTrue(new String(m.get("META-INF/maven/org.apache.commons/commons-lang3/pom.properties"),
                StandardCharsets.UTF_8).contains("artifactId=commons-lang3"));
        assertNull(ZipBytes.read(new byte[100], n -> true));
    }

    @Test
    void nestedJarWithoutMetadataFallsBackToItsName() throws Exception {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(inner)) {
            z.putNextEntry(new ZipEntry("x/Y.class"));
            z.write(1);
        }
        Path fat = tmp.resolve("app.jar");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(fat))) {
            z.putNextEntry(new ZipEntry("lib/tiny-lib-0.3.jar"));
            z.write(inner.toByteArray());
        }
        JarInspector.Result r = JarInspector.inspect(Location.parse("jar:file:" + fat + "!/lib/tiny-lib-0.3.jar!/"));
        assertArrayEquals(sha(inner.toByteArray()), r.sha256);
        assertEquals("tiny-lib", r.coordinates.artifact);
        assertEquals("0.3", r.coordinates.version);
        assertNull(r.coordinates.purl());
    }

    @Test
    void classDirectoryReadsItsPomButHasNoHash() throws Exception {
        Path dir = tmp.resolve("classes");
        Files.createDirectories(dir.resolve("META-INF/maven/com.example/shop"));
        Files.write(dir.resolve("META-INF/maven/com.example/shop/pom.properties"),
                "groupId=com.example\nartifactId=shop\nversion=2.0\n".getBytes(StandardCharsets.UTF_8));
        JarInspector.Result r = JarInspector.inspect(Location.parse(dir.toUri().toString()));
        assertNull(r.sha256);
        assertEquals("pkg:maven/com.example/shop@2.0", r.coordinates.purl());
    }

    @Test
    void unreadableFilesGiveWhatTheNameSays() {
        JarInspector.Result r = JarInspector.inspect(Location.parse("file:/nonexistent/dir/foo-1.0.jar"));
        assertNull(r.sha256);
        assertEquals("foo", r.coordinates.artifact);
    }
}
