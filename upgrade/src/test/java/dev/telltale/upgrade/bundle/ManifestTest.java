package dev.telltale.upgrade.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.telltale.upgrade.bundle.BundleRefusedException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ManifestTest {

    private static final String SHA = "ab".repeat(32);

    private static Manifest sample() {
        return new Manifest(1, Version.parse("0.2.0"), Version.parse("0.1.0"), Instant.parse("2026-11-26T12:00:00Z"),
                "0123456789abcdef", List.of(
                new FileEntry("os/etc/systemd/system/telltale.service", 120, SHA, 0644),
                new FileEntry("release/VERSION", 6, "cd".repeat(32), 0644),
                new FileEntry("release/bin/telltale-server", 900, "ef".repeat(32), 0755)));
    }

    private static String json() {
        return new String(sample().toJson(), StandardCharsets.UTF_8);
    }

    @Test
    void roundTripsWithKebabCaseKeys() {
        byte[] json = sample().toJson();
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"min-from\" : \"0.1.0\""), text);
        assertTrue(text.contains("\"key-id\" : \"0123456789abcdef\""), text);
        assertTrue(text.contains("\"mode\" : \"0755\""), text);
        assertEquals(sample(), Manifest.parse(json));
        assertArrayEquals(json, Manifest.parse(json).toJson());
        assertEquals(1026, sample().totalSize());
    }

    @Test
    void strictParseNamesTheField() {
        malformed(json().replace("\"format\" : 1", "\"format\" : 2"), "format 2 is not supported");
        malformed(json().replace("\"format\" : 1,", "\"format\" : 1, \"extra\" : true,"), "manifest has an unknown field \"extra\"");
        malformed(json().replace("\"created\" : \"2026-11-26T12:00:00Z\",", ""), "manifest has no field \"created\"");
        malformed(json().replace("\"version\" : \"0.2.0\"", "\"version\" : \"0.2\""), "version is not a version");
        malformed(json().replace("\"min-from\" : \"0.1.0\"", "\"min-from\" : \"0.3.0\""), "min-from 0.3.0 is newer than version 0.2.0");
        malformed(json().replace("\"size\" : 6", "\"size\" : -6"), "release/VERSION: size -6 is negative");
        malformed(json().replace("\"size\" : 6", "\"size\" : \"6\""), "files[1].size is not an integer");
        malformed(json().replace("cd".repeat(32), "CD".repeat(32)), "release/VERSION: sha256 is not 64 lower-case hex digits");
        malformed(json().replace("cd".repeat(32), "cd"), "release/VERSION: sha256 is not 64 lower-case hex digits");
        malformed(json().replace("\"mode\" : \"0755\"", "\"mode\" : \"0777\""), "release/bin/telltale-server: mode 0777");
        malformed(json().replace("\"mode\" : \"0755\"", "\"mode\" : \"4755\""), "files[2].mode is not four octal digits");
        malformed(json().replace("\"key-id\" : \"0123456789abcdef\"", "\"key-id\" : \"xyz\""), "key-id is not 16 lower-case hex digits");
        malformed(json().replace("\"format\" : 1,", "\"format\" : 1, \"format\" : 1,"), "manifest.json is not valid JSON: Duplicate field");
        malformed("[]", "manifest.json is not a JSON object");
        malformed(json() + " {}", "manifest.json is not valid JSON: Trailing token");
        malformed("{", "manifest.json is not valid JSON");
    }

    @Test
    void duplicateAndUnsafePathsAreRefused() {
        var dup = assertThrows(BundleRefusedException.class, () -> Manifest.parse(json()
                .replace("release/bin/telltale-server", "release/VERSION").getBytes(StandardCharsets.UTF_8)));
        assertEquals(Reason.UNSAFE_PATH, dup.reason());
        assertEquals("manifest lists \"release/VERSION\" twice", dup.getMessage());
        var outside = assertThrows(BundleRefusedException.class, () -> Manifest.parse(json()
                .replace("release/VERSION", "release/../../etc/shadow").getBytes(StandardCharsets.UTF_8)));
        assertEquals(Reason.UNSAFE_PATH, outside.reason());
        var top = assertThrows(BundleRefusedException.class, () -> Manifest.parse(json()
                .replace("release/VERSION", "VERSION").getBytes(StandardCharsets.UTF_8)));
        assertTrue(top.getMessage().contains("must be under release/ or os/"), top.getMessage());
        var longPath = assertThrows(BundleRefusedException.class, () -> Manifest.parse(json()
                .replace("release/VERSION", "release/" + "v".repeat(600)).getBytes(StandardCharsets.UTF_8)));
        assertTrue(longPath.getMessage().contains("longer than 512 characters"), longPath.getMessage());
    }

    @Test
    void anOversizedManifestIsTooLarge() {
        var e = assertThrows(BundleRefusedException.class, () -> Manifest.parse(new byte[Manifest.MAX_BYTES + 1]));
        assertEquals(Reason.TOO_LARGE, e.reason());
    }

    /** Random mutations of a valid manifest: the parser refuses or accepts, never anything else. */
    @Test
    void fuzzedManifestsOnlyEverFailWithARefusal() {
        byte[] valid = sample().toJson();
        String[] tokens = {"{", "}", "[", "]", ",", ":", "\"", "-1", "1e999", "null", "true", "\"0.2.0\"", "\"../x\"",
                "\"format\"", "\"files\"", "\\u0000", "99999999999999999999999", "\"path\"", "0777", "[[[[[[[["};
        Random r = new Random(20261126);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] m = valid.clone();
            int edits = 1 + r.nextInt(4);
            for (int k = 0; k < edits; k++) m = mutate(m, r, tokens);
            try {
                Manifest.parse(m);
                accepted++;
            } catch (BundleRefusedException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
            } catch (RuntimeException other) {
                fail("input " + new String(m, StandardCharsets.UTF_8) + " threw " + other, other);
            }
        }
        assertTrue(accepted < 20_000);
    }

    private static byte[] mutate(byte[] m, Random r, String[] tokens) {
        int at = r.nextInt(m.length);
        return switch (r.nextInt(4)) {
            case 0 -> {
                m[at] = (byte) r.nextInt(256);
                yield m;
            }
            case 1 -> splice(m, at, Math.min(m.length, at + 1 + r.nextInt(20)), new byte[0]);
            case 2 -> splice(m, at, at, tokens[r.nextInt(tokens.length)].getBytes(StandardCharsets.UTF_8));
            default -> {
                int from = r.nextInt(m.length);
                int len = Math.min(m.length - from, 1 + r.nextInt(80));
                yield splice(m, at, at, java.util.Arrays.copyOfRange(m, from, from + len));
            }
        };
    }

    private static byte[] splice(byte[] m, int from, int to, byte[] insert) {
        byte[] out = new byte[m.length - (to - from) + insert.length];
        System.arraycopy(m, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(m, to, out, from + insert.length, m.length - to);
        return out;
    }

    private static void malformed(String json, String messagePart) {
        var e = assertThrows(BundleRefusedException.class, () -> Manifest.parse(json.getBytes(StandardCharsets.UTF_8)), json);
        assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "message: " + e.getMessage());
    }
}
