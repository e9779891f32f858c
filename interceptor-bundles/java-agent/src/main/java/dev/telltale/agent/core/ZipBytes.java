package dev.telltale.agent.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads chosen entries of a zip held in memory through its central directory, so a nested
 * jar's metadata costs a few small inflations instead of inflating every class in it (what
 * {@code ZipInputStream} must do to walk the entries). Plain zips only: a Zip64 or otherwise
 * unusual archive returns null and the caller falls back to streaming.
 */
final class ZipBytes {
    private static final int EOCD = 0x06054b50;
    private static final int CEN = 0x02014b50;
    private static final int LOC = 0x04034b50;
    /** Metadata files are small; anything bigger is not what we look for. */
    private static final int ENTRY_MAX = 1 << 20;

    private ZipBytes() {
    }

    /** The wanted entries' contents by name, or null when the archive cannot be read this way. */
    static Map<String, byte[]> read(byte[] z, Predicate<String> wanted) {
        try {
            int eocd = -1;
            for (int i = z.length - 22; i >= Math.max(0, z.length - 22 - 65535); i--) {
                if (u32(z, i) == EOCD) {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0) {
                return null;
            }
            int count = u16(z, eocd + 10);
            long cdOffset = u32(z, eocd + 16);
            if (count == 0xFFFF || cdOffset == 0xFFFFFFFFL || cdOffset >= z.length) {
                return null; // Zip64
            }
            Map<String, byte[]> out = new LinkedHashMap<>();
            int p = (int) cdOffset;
            for (int n = 0; n < count; n++) {
                if (u32(z, p) != CEN) {
                    return null;
                }
                int method = u16(z, p + 10);
                long csize = u32(z, p + 20);
                long size = u32(z, p + 24);
                int nameLen = u16(z, p + 28);
                int extraLen = u16(z, p + 30);
                int commentLen = u16(z, p + 32);
                long loc = u32(z, p + 42);
                String name = new String(z, p + 46, nameLen, StandardCharsets.UTF_8);
                p += 46 + nameLen + extraLen + commentLen;
                if (!wanted.test(name) || size > ENTRY_MAX || csize > ENTRY_MAX || loc >= z.length) {
                    continue;
                }
                int l = (int) loc;
                if (u32(z, l) != LOC) {
                    return null;
                }
                int data = l + 30 + u16(z, l + 26) + u16(z, l + 28);
                if (data + csize > z.length) {
                    return null;
                }
                if (method == 0) {
                    byte[] b = new byte[(int) csize];
                    System.arraycopy(z, data, b, 0, b.length);
                    out.put(name, b);
                } else if (method == 8) {
                    out.put(name, inflate(z, data, (int) csize, (int) size));
                } else {
                    return null;
                }
            }
            return out;
        } catch (RuntimeException | DataFormatException e) {
            return null;
        }
    }

    private static byte[] inflate(byte[] z, int off, int len, int size) throws DataFormatException {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(z, off, len);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(16, size));
            byte[] buf = new byte[8192];
            while (!inf.finished() && out.size() <= ENTRY_MAX) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            inf.end();
        }
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int i) {
        return (u16(b, i) | (long) u16(b, i + 2) << 16) & 0xFFFFFFFFL;
    }
}
