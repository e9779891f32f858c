package dev.telltale.upgrade.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** A small release and os overlay on disk, a release key, and zip surgery for tampering. */
final class Fixture {

    final Path dir;
    final Path release;
    final Path os;
    final ReleaseSigner signer;
    final byte[] serverJar;

    Fixture(Path dir) throws IOException {
        this.dir = dir;
        this.release = dir.resolve("release");
        this.os = dir.resolve("os");
        this.signer = ReleaseSigner.generate(dir.resolve("keys"));
        serverJar = new byte[200_000];
        new Random(42).nextBytes(serverJar); // incompressible: its bytes appear as they are in the zip
        writeRelease("0.2.0");
        file(os.resolve("etc/systemd/system/telltale.service"), "[Service]\nExecStart=/opt/telltale/current/bin/telltale-server\n", "rw-r--r--");
        file(os.resolve("usr/lib/telltale/firstboot"), "#!/bin/sh\necho first boot\n", "rwxr-xr-x");
        file(os.resolve("etc/sudoers.d/telltale-admin"), "admin ALL=(ALL) NOPASSWD: ALL\n", "r--r-----");
    }

    void writeRelease(String version) throws IOException {
        file(release.resolve("VERSION"), version + "\n", "rw-r--r--");
        Files.createDirectories(release.resolve("lib/libs"));
        Files.write(release.resolve("lib/telltale-server.jar"), serverJar);
        file(release.resolve("lib/libs/jackson-databind.jar"), "pretend jar ".repeat(1000), "rw-rw-r--");
        file(release.resolve("bin/telltale-server"), "#!/bin/sh\nexec java -jar lib/telltale-server.jar\n", "rwxrwxr-x");
        file(release.resolve("runtime/bin/java"), "#!/bin/sh\n", "rwxr-xr-x");
    }

    static void file(Path p, String content, String perms) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    ReleaseKeys trusted() {
        return ReleaseKeys.of(signer.publicKey());
    }

    /** A bundle of version {@code v} (min-from {@code min}) at dir/name. */
    Path bundle(String name, String v, String min) throws IOException {
        writeRelease(v);
        Path out = dir.resolve(name);
        BundleWriter.write(release, Optional.of(os), Version.parse(v), Version.parse(min), signer,
                Instant.parse("2026-11-26T12:00:00Z"), out);
        return out;
    }

    static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                try (InputStream in = z.getInputStream(e)) {
                    m.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return m;
    }

    static Path zip(Path out, Map<String, byte[]> entries) throws IOException {
        try (OutputStream o = Files.newOutputStream(out); ZipOutputStream z = new ZipOutputStream(o)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out;
    }

    /** A zip of a manifest signed with this fixture's key and the given entries. */
    Path signedZip(Path out, Manifest m, Map<String, byte[]> files) throws IOException {
        byte[] json = m.toJson();
        Map<String, byte[]> all = new LinkedHashMap<>();
        all.put("manifest.json", json);
        all.put("manifest.sig", new SignatureFile(signer.keyId(), signer.sign(json)).toJson());
        all.putAll(files);
        return zip(out, all);
    }
}
