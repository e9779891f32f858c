package dev.telltale.vulndb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The real OSV records under {@code src/test/resources/osv} and zips built from them. */
final class Fixtures {
    static final List<String> ALL = List.of("GHSA-jfh8-c2jp-5v3q", "GHSA-36p3-wjmg-h94x", "GHSA-j8r2-6x86-q33q",
            "GHSA-35jh-r3h4-6jhm", "GO-2023-2102", "DSA-5343-1", "DSA-5139-1", "ALPINE-CVE-2023-0286");

    private Fixtures() {
    }

    static byte[] record(String id) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/osv/" + id + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + id);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String id) {
        return new String(record(id), StandardCharsets.UTF_8);
    }

    /** Every fixture as {@code osv/<id>.json}, as OSV's own export zips lay them out (flat or in folders). */
    static Map<String, byte[]> all() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        ALL.forEach(id -> out.put("osv/" + id + ".json", record(id)));
        return out;
    }

    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
