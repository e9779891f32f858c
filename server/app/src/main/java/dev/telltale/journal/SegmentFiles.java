package dev.telltale.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Segment file layout: 8 bytes of magic, a snapshot entry, then record entries. Every entry
 * is a 4-byte length, a 4-byte CRC-32C of the payload, then the payload. A segment is named
 * by the journal position of its first byte. Entries are never empty, so a zero header is
 * where a segment written with direct I/O ends (its last block padded, {@link SegmentAppender}).
 */
final class SegmentFiles {
    static final byte[] MAGIC = "TTJRNL01".getBytes(StandardCharsets.US_ASCII);
    static final int ENTRY_HEADER = 8;
    static final int MAX_ENTRY = 256 << 20;

    private SegmentFiles() {
    }

    static Path path(Path dir, long start) {
        return dir.resolve(String.format("%020d.wal", start));
    }

    static TreeMap<Long, Path> list(Path dir) throws IOException {
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.wal")).forEach(p ->
                    segments.put(Long.parseLong(p.getFileName().toString().substring(0, 20)), p));
        }
        return segments;
    }

    static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /**
     * Whether {@code file} holds nothing but zeros (or nothing): a segment created whose first
     * bytes never reached the disk.
     *
     * @throws IOException if the file cannot be read
     */
    static boolean unbegun(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(64 << 10);
            long at = 0;
            int n;
            while ((n = ch.read(buf.clear(), at)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) != 0) {
                        return false;
                    }
                }
                at += n;
            }
            return true;
        }
    }

    /** Reads segment entries in order; stops at the first entry that is torn or fails its CRC. */
    static final class Reader implements AutoCloseable {
        private final FileChannel ch;
        private final long size;
        private long offset;
        private byte[] payload = new byte[64 << 10];
        private int length;
        private boolean padded;

        Reader(Path file) throws IOException {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            size = ch.size();
            ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
            readFully(magic, 0);
            if (magic.position() != MAGIC.length || !Arrays.equals(magic.array(), MAGIC)) {
                throw new IOException(file + " is not a journal segment");
            }
            offset = MAGIC.length;
        }

        /** Offset of the next entry; after a failed {@link #next()}, where the valid data ends. */
        long offset() {
            return offset;
        }

        byte[] payload() {
            return payload;
        }

        int length() {
            return length;
        }

        boolean next() throws IOException {
            if (size - offset < ENTRY_HEADER) {
                // Padding can end a block closer to its end than a header's length.
                padded = size > offset && zeros(size - offset);
                return false;
            }
            ByteBuffer header = ByteBuffer.allocate(ENTRY_HEADER);
            readFully(header, offset);
            header.flip();
            int len = header.getInt();
            int crc = header.getInt();
            if (len == 0 && crc == 0) {
                padded = true;
                return false;
            }
            if (len < 0 || len > MAX_ENTRY || offset + ENTRY_HEADER + len > size) {
                return false;
            }
            if (payload.length < len) {
                payload = new byte[Math.max(len, payload.length * 2)];
            }
            ByteBuffer body = ByteBuffer.wrap(payload, 0, len);
            readFully(body, offset + ENTRY_HEADER);
            CRC32C c = new CRC32C();
            c.update(payload, 0, len);
            if ((int) c.getValue() != crc) {
                return false;
            }
            length = len;
            offset += ENTRY_HEADER + len;
            return true;
        }

        private boolean zeros(long n) throws IOException {
            ByteBuffer rest = ByteBuffer.allocate((int) n);
            readFully(rest, offset);
            for (int i = 0; i < rest.position(); i++) {
                if (rest.get(i) != 0) {
                    return false;
                }
            }
            return rest.position() == n;
        }

        /** Whether the entries ended cleanly: at the end of the file, or at its padding. */
        boolean atEnd() {
            return offset == size || padded;
        }

        /** Whether the entries ended at zeros (the padding after the last flush), not at the file's end. */
        boolean paddedEnd() {
            return padded;
        }

        private void readFully(ByteBuffer b, long at) throws IOException {
            long pos = at;
            while (b.hasRemaining()) {
                int n = ch.read(b, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
