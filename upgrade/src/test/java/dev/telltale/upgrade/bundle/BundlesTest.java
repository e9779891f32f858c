package dev.telltale.upgrade.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.upgrade.bundle.BundleRefusedException.Reason;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class BundlesTest {

    private static final Version V010 = Version.parse("0.1.0");

    @TempDir
    Path tmp;
    Fixture fx;
    Path bundle;

    @BeforeEach
    void setUp() throws IOException {
        fx = new Fixture(tmp);
        bundle = fx.bundle("telltale-0.2.0.ttu", "0.2.0", "0.1.0");
    }

    @Test
    void roundTripKeepsBytesAndModes() throws IOException {
        Path rel = tmp.resolve("out/release");
        Path root = tmp.resolve("out/root");
        try (VerifiedBundle b = Bundles.verify(bundle, fx.trusted(), V010)) {
            assertEquals(Version.parse("0.2.0"), b.manifest().version());
            assertEquals(fx.signer.keyId(), b.manifest().keyId());
            assertEquals(5, b.extractRelease(rel).size());
            assertEquals(3, b.extractOs(root).size());
        }
        assertArrayEquals(fx.serverJar, Files.readAllBytes(rel.resolve("lib/telltale-server.jar")));
        assertEquals("0.2.0\n", Files.readString(rel.resolve("VERSION")));
        assertEquals("rwxr-xr-x", perms(rel.resolve("bin/telltale-server")), "group write dropped, execute kept");
        assertEquals("rw-r--r--", perms(rel.resolve("lib/libs/jackson-databind.jar")));
        assertEquals("rwxr-xr-x", perms(root.resolve("usr/lib/telltale/firstboot")));
        assertEquals("r--r-----", perms(root.resolve("etc/sudoers.d/telltale-admin")));
        assertTrue(Files.readString(root.resolve("etc/systemd/system/telltale.service")).contains("ExecStart"));
        assertEquals("rwxr-xr-x", perms(root.resolve("etc/systemd")));
        try (Stream<Path> s = Files.walk(tmp.resolve("out"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".ttu-partial")), "no temporary file left");
        }
    }

    @Test
    void entriesAreSortedWithManifestAndSignatureFirst() throws IOException {
        List<String> names = new ArrayList<>(Fixture.entries(bundle).keySet());
        assertEquals(List.of("manifest.json", "manifest.sig"), names.subList(0, 2));
        List<String> files = names.subList(2, names.size());
        assertEquals(files.stream().sorted().toList(), files);
        assertEquals(8, files.size());
    }

    @Test
    void buildRefusesAReleaseWhoseVersionFileDisagrees() {
        var e = assertThrows(IllegalArgumentException.class, () -> Bundles.build(fx.release, Optional.empty(),
                Version.parse("0.3.0"), V010, fx.signer, tmp.resolve("x.ttu")));
        assertTrue(e.getMessage().contains("says 0.2.0 but the bundle's version is 0.3.0"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("x.ttu")));
    }

    @Test
    void linksInsideTheReleaseAreStoredAsFilesAndLinksOutOfItAreRefused() throws IOException {
        Path legal = Files.createDirectories(fx.release.resolve("runtime/legal/java.sql"));
        Fixture.file(fx.release.resolve("runtime/legal/LICENSE"), "GPLv2 with the Classpath exception\n", "rw-r--r--");
        Files.createSymbolicLink(legal.resolve("LICENSE"), Path.of("../LICENSE"));
        Path out = tmp.resolve("links.ttu");
        Bundles.build(fx.release, Optional.empty(), Version.parse("0.2.0"), V010, fx.signer, out);
        assertArrayEquals(Files.readAllBytes(fx.release.resolve("runtime/legal/LICENSE")),
                Fixture.entries(out).get("release/runtime/legal/java.sql/LICENSE"));
        Files.createSymbolicLink(legal.resolve("passwd"), Path.of("/etc/passwd"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Bundles.build(fx.release, Optional.empty(), Version.parse("0.2.0"), V010, fx.signer, out));
        assertTrue(e.getMessage().contains("is a symbolic link to /etc/passwd, outside"), e.getMessage());
    }

    @Test
    void oneChangedByteInAReleaseFileIsTampered() throws IOException {
        Map<String, byte[]> e = Fixture.entries(bundle);
        e.get("release/lib/telltale-server.jar")[1000] ^= 1;
        refused(Reason.TAMPERED, "release/lib/telltale-server.jar: SHA-256 ", rezip(e));
        String msg = assertThrows(BundleRefusedException.class, () -> Bundles.verify(rezip(e), fx.trusted(), V010)).getMessage();
        assertTrue(msg.contains(", expected "), msg);
    }

    @Test
    void aChangedManifestFailsTheSignature() throws IOException {
        Map<String, byte[]> e = Fixture.entries(bundle);
        e.put("manifest.json", new String(e.get("manifest.json"), StandardCharsets.UTF_8)
                .replace("\"min-from\" : \"0.1.0\"", "\"min-from\" : \"0.0.1\"").getBytes(StandardCharsets.UTF_8));
        refused(Reason.BAD_SIGNATURE, "the signature does not match manifest.json", rezip(e));
    }

    @Test
    void anUnsignedBundleIsRefused() throws IOException {
        Map<String, byte[]> e = Fixture.entries(bundle);
        e.remove("manifest.sig");
        refused(Reason.UNSIGNED, "the bundle is not signed", rezip(e));
    }

    @Test
    void aBundleSignedByAnUntrustedKeyIsRefused() {
        ReleaseSigner other = ReleaseSigner.generate(tmp.resolve("other"));
        var e = assertThrows(BundleRefusedException.class,
                () -> Bundles.verify(bundle, ReleaseKeys.of(other.publicKey()), V010));
        assertEquals(Reason.UNKNOWN_KEY, e.reason());
        assertEquals("signed by key " + fx.signer.keyId() + ", which this appliance does not trust (trusted: "
                + other.keyId() + ")", e.getMessage());
        assertEquals(Reason.UNKNOWN_KEY, assertThrows(BundleRefusedException.class,
                () -> Bundles.verify(bundle, ReleaseKeys.of(), V010)).reason());
    }

    @Test
    void versionPathIsChecked() throws IOException {
        refused(Reason.DOWNGRADE, "downgrade from 0.3.0 to 0.2.0 refused", bundle, "0.3.0");
        refused(Reason.SAME_VERSION, "0.2.0 is already installed", bundle, "0.2.0");
        refused(Reason.DOWNGRADE, "downgrade from 0.2.0 to 0.2.0-rc.1 refused",
                fx.bundle("rc.ttu", "0.2.0-rc.1", "0.1.0"), "0.2.0");
        Path v4 = fx.bundle("telltale-0.4.0.ttu", "0.4.0", "0.3.0");
        refused(Reason.UNSUPPORTED_PATH, "0.1.0 cannot be upgraded to 0.4.0 directly: upgrade to 0.3.0 or later first", v4, "0.1.0");
        try (VerifiedBundle b = Bundles.verify(v4, fx.trusted(), Version.parse("0.3.0"))) {
            assertEquals("0.4.0", b.manifest().version().toString());
        }
    }

    @Test
    void anUnlistedEntryIsRefused() throws IOException {
        Map<String, byte[]> e = Fixture.entries(bundle);
        e.put("os/etc/cron.d/backdoor", "* * * * * root sh -c evil\n".getBytes(StandardCharsets.UTF_8));
        refused(Reason.UNLISTED_FILE, "\"os/etc/cron.d/backdoor\" is in the bundle but not in the manifest", rezip(e));
    }

    @Test
    void aMissingEntryIsRefused() throws IOException {
        Map<String, byte[]> e = Fixture.entries(bundle);
        e.remove("release/VERSION");
        refused(Reason.MISSING_FILE, "release/VERSION: listed in the manifest but not in the bundle", rezip(e));
    }

    @Test
    void unsafeEntryNamesAreRefused() throws IOException {
        for (String name : List.of("../x", "/etc/passwd", "a\\b", "release/../../x", "release//x", "os/a\u0000b")) {
            Map<String, byte[]> e = Fixture.entries(bundle);
            e.put(name, new byte[] {1});
            refused(Reason.UNSAFE_PATH, "entry ", rezip(e));
        }
    }

    @Test
    void aDuplicateEntryIsRefused() throws IOException {
        Map<String, byte[]> e = Fixture.entries(bundle);
        e.put("release/VERSIOX", "0.9.9\n".getBytes(StandardCharsets.UTF_8));
        Path z = rezip(e);
        // Rename the extra entry to the same name as a listed one (local header and central directory).
        byte[] bytes = Files.readAllBytes(z);
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("release/VERSIOX", "release/VERSION");
        Files.write(z, text.getBytes(StandardCharsets.ISO_8859_1));
        refused(Reason.UNSAFE_PATH, "entry \"release/VERSION\" is in the bundle twice", z);
    }

    @Test
    void aFileThatIsNotAZipIsMalformed() throws IOException {
        Path f = Files.writeString(tmp.resolve("notes.ttu"), "hello, I am not a zip");
        refused(Reason.MALFORMED, "not an upgrade bundle: notes.ttu is not a readable zip file", f);
        Path empty = Fixture.zip(tmp.resolve("empty.ttu"), Map.of("readme.txt", new byte[] {1}));
        refused(Reason.MALFORMED, "not an upgrade bundle: it has no manifest.json", empty);
    }

    @Test
    void filesOverTheSizeLimitAreRefusedBeforeTheyAreRead() {
        var e = assertThrows(BundleRefusedException.class, () -> Bundles.verify(bundle, fx.trusted(), V010,
                BundleLimits.DEFAULT.withMaxTotalBytes(100_000)));
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().startsWith("the bundle's files hold "), e.getMessage());
    }

    @Test
    void anEntryLargerThanItsManifestSizeIsCutOff() throws IOException {
        byte[] small = new byte[10];
        Manifest m = new Manifest(1, Version.parse("0.2.0"), V010, Instant.now(), fx.signer.keyId(),
                List.of(new FileEntry("release/bomb", 10, sha256(small), 0644)));
        // 64 MiB of zeros, about 64 KiB compressed: the verifier stops reading after 11 bytes.
        Path z = tmp.resolve("bomb.ttu");
        try (var o = Files.newOutputStream(z); var zip = new java.util.zip.ZipOutputStream(o)) {
            byte[] json = m.toJson();
            zip.putNextEntry(new java.util.zip.ZipEntry("manifest.json"));
            zip.write(json);
            zip.putNextEntry(new java.util.zip.ZipEntry("manifest.sig"));
            zip.write(new SignatureFile(fx.signer.keyId(), fx.signer.sign(json)).toJson());
            zip.putNextEntry(new java.util.zip.ZipEntry("release/bomb"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) zip.write(zeros);
            zip.closeEntry();
        }
        long t0 = System.nanoTime();
        refused(Reason.TAMPERED, "release/bomb: more than the manifest's 10 bytes", z);
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "stopped early");
    }

    @Test
    void aCompressionRatioNoRealFileHasIsRefused() throws IOException {
        byte[] zeros = new byte[4 << 20];
        Manifest m = new Manifest(1, Version.parse("0.2.0"), V010, Instant.now(), fx.signer.keyId(),
                List.of(new FileEntry("release/zeros", zeros.length, sha256(zeros), 0644)));
        Path z = fx.signedZip(tmp.resolve("ratio.ttu"), m, Map.of("release/zeros", zeros));
        var e = assertThrows(BundleRefusedException.class, () -> Bundles.verify(z, fx.trusted(), V010,
                new BundleLimits(1L << 30, 100, 100)));
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains("a ratio above 100"), e.getMessage());
    }

    @Test
    void extractionRehashesAndCatchesABundleChangedInPlaceAfterVerify() throws IOException {
        Path rel = tmp.resolve("out/release");
        try (VerifiedBundle b = Bundles.verify(bundle, fx.trusted(), V010)) {
            flipByteOf(bundle, fx.serverJar);
            var e = assertThrows(BundleRefusedException.class, () -> b.extractRelease(rel));
            assertEquals(Reason.TAMPERED, e.reason());
            assertTrue(e.getMessage().startsWith("release/lib/telltale-server.jar: "), e.getMessage());
        }
        assertFalse(Files.exists(rel.resolve("lib/telltale-server.jar")), "the tampered file never gets its name");
        try (Stream<Path> s = Files.walk(rel)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".ttu-partial")));
        }
    }

    @Test
    void aBundleReplacedOnDiskAfterVerifyIsNotRead() throws IOException {
        Map<String, byte[]> e = Fixture.entries(bundle);
        e.get("release/lib/telltale-server.jar")[5] ^= 1;
        Path evil = rezip(e);
        Path rel = tmp.resolve("out/release");
        try (VerifiedBundle b = Bundles.verify(bundle, fx.trusted(), V010)) {
            Files.move(evil, bundle, StandardCopyOption.REPLACE_EXISTING);
            b.extractRelease(rel);
        }
        assertArrayEquals(fx.serverJar, Files.readAllBytes(rel.resolve("lib/telltale-server.jar")),
                "the verified bytes, from the file that was verified");
    }

    @Test
    void extractionNeverFollowsASymbolicLink() throws IOException {
        Path root = tmp.resolve("root");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve("etc"), elsewhere);
        Files.createSymbolicLink(Files.createDirectories(root.resolve("usr/lib/telltale")).resolve("firstboot"),
                elsewhere.resolve("planted"));
        try (VerifiedBundle b = Bundles.verify(bundle, fx.trusted(), V010)) {
            var e = assertThrows(BundleRefusedException.class, () -> b.extractOs(root));
            assertEquals(Reason.UNSAFE_PATH, e.reason());
            assertTrue(e.getMessage().contains("is a symbolic link; it is not followed"), e.getMessage());
        }
        try (Stream<Path> s = Files.list(elsewhere)) {
            assertEquals(0, s.count(), "nothing written through the link");
        }
        Files.delete(root.resolve("etc"));
        try (VerifiedBundle b = Bundles.verify(bundle, fx.trusted(), V010)) {
            b.extractOs(root);
        }
        // A link where a file goes is replaced by the file, not written through.
        assertFalse(Files.isSymbolicLink(root.resolve("usr/lib/telltale/firstboot")));
        assertFalse(Files.exists(elsewhere.resolve("planted")));
    }

    @Test
    void inspectReadsTheManifestWithoutTrust() {
        Manifest m = Bundles.inspect(bundle);
        assertEquals("0.2.0", m.version().toString());
        assertEquals(8, m.files().size());
    }

    private Path rezip(Map<String, byte[]> entries) throws IOException {
        return Fixture.zip(Files.createTempFile(tmp, "tampered", ".ttu"), entries);
    }

    private void refused(Reason reason, String messageStart, Path file) {
        refused(reason, messageStart, file, "0.1.0");
    }

    private void refused(Reason reason, String messageStart, Path file, String current) {
        Executable verify = () -> Bundles.verify(file, fx.trusted(), Version.parse(current)).close();
        var e = assertThrows(BundleRefusedException.class, verify);
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith(messageStart), "message: " + e.getMessage());
    }

    private static void flipByteOf(Path zip, byte[] content) throws IOException {
        byte[] all = Files.readAllBytes(zip);
        byte[] probe = java.util.Arrays.copyOfRange(content, 5000, 5032);
        int at = indexOf(all, probe);
        assertTrue(at > 0, "the incompressible content is stored as it is");
        try (RandomAccessFile f = new RandomAccessFile(zip.toFile(), "rw")) {
            f.seek(at + 7);
            f.write(all[at + 7] ^ 0x55);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    static String sha256(byte[] b) {
        return HexFormat.of().formatHex(Hashing.sha256().digest(b));
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
