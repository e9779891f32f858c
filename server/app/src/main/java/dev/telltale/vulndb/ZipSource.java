package dev.telltale.vulndb;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The {@code *.json} entries of a zip, read as streams and never written out: at most
 * {@code max-entries} entries and {@code max-uncompressed-bytes} inflated bytes in all (counted as
 * they inflate, not as the archive claims), each record at most {@code max-record-bytes}. Entry
 * names that would leave a directory (absolute, {@code ..}, drive letters, backslashes) are
 * rejected, so an archive built for zip-slip cannot place anything, even by a later change.
 */
final class ZipSource implements RecordSource {
    private final Path file;
    private final VulnDbConfig limits;

    ZipSource(Path file, VulnDbConfig limits) {
        this.file = file;
        this.limits = limits;
    }

    /** Whether the file starts like a zip archive (a local file header, or an empty archive's end record). */
    static boolean looksLikeZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K'
                    && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
        }
    }

    static boolean safeName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf(':') >= 0
                || name.indexOf('\0') >= 0) {
            return false;
        }
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static boolean isRecord(ZipEntry e) {
        return !e.isDirectory() && e.getName().toLowerCase(Locale.ROOT).endsWith(".json");
    }

    @Override
    public int scan(Sink rejected) throws IOException, Refused {
        int entries = 0;
        int records = 0;
        long inflated = 0;
        byte[] buf = new byte[64 * 1024];
        try (ZipInputStream zip = open()) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (++entries > limits.maxEntries()) {
                    throw new Refused("the archive has more than " + limits.maxEntries() + " entries (max-entries)");
                }
                for (int n = zip.read(buf); n >= 0; n = zip.read(buf)) {
                    inflated += n;
                    if (inflated > limits.maxUncompressedBytes()) {
                        throw new Refused("the archive inflates to more than " + limits.maxUncompressedBytes()
                                + " bytes (max-uncompressed-bytes)");
                    }
                }
                if (!safeName(e.getName())) {
                    rejected.accept(new RecordSource.Entry(printable(e.getName()), new byte[0],
                            Optional.of("unsafe entry name (it would leave the archive's directory); ignored")));
                } else if (isRecord(e)) {
                    records++;
                }
            }
        }
        return records;
    }

    @Override
    public void forEach(Sink sink) throws IOException {
        try (ZipInputStream zip = open()) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (!isRecord(e) || !safeName(e.getName())) {
                    continue;
                }
                byte[] bytes = zip.readNBytes(limits.maxRecordBytes() + 1);
                sink.accept(bytes.length > limits.maxRecordBytes()
                        ? new RecordSource.Entry(e.getName(), new byte[0],
                        Optional.of("larger than " + limits.maxRecordBytes() + " bytes (max-record-bytes)"))
                        : new RecordSource.Entry(e.getName(), bytes, Optional.empty()));
            }
        }
    }

    private ZipInputStream open() throws IOException {
        return new ZipInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024));
    }

    private static String printable(String name) {
        String s = name.replaceAll("[\\p{Cntrl}]", "?");
        return s.length() <= 200 ? s : s.substring(0, 200);
    }
}
