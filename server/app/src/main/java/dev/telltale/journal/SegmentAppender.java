package dev.telltale.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Appends to one new segment file, either through the page cache or with direct I/O
 * (decision 30). With direct I/O, appended bytes collect in an aligned buffer and go to the
 * file in whole blocks when the buffer fills or at {@link #force}: the last, partial block is
 * padded with zeros and written again, completed, by the next flush. The file may therefore
 * hold zeros past {@link #size()} until {@link #close()} cuts it there; a reader stops at a
 * zero entry header ({@link SegmentFiles.Reader#paddedEnd()}).
 */
final class SegmentAppender implements AutoCloseable {
    static final int STAGE_BYTES = 4 << 20;
    private static final Optional<OpenOption> DIRECT = directOption();

    private final FileChannel ch;
    private final ByteBuffer stage; // null: through the page cache
    private final int block;
    private final Optional<OpenOption> directOption;
    private long size;
    private long stageAt; // file offset of stage[0], a multiple of block
    private boolean unwritten;
    private WriteGate gate; // null: open

    /** What a segment's first write waits for (see {@link #handOver}). */
    interface WriteGate {
        /** Returns when the file may be written; throws if it never may. */
        void await() throws IOException;
    }

    private SegmentAppender(FileChannel ch, ByteBuffer stage, int block, Optional<OpenOption> directOption) {
        this.ch = ch;
        this.stage = stage;
        this.block = block;
        this.directOption = directOption;
    }

    /**
     * Creates {@code file} (it must not exist). With {@code direct}, direct I/O is used when the
     * file system takes it (not all do); {@link #direct()} tells which was used.
     *
     * @throws IOException if the file cannot be created
     */
    static SegmentAppender create(Path file, boolean direct) throws IOException {
        return create(file, direct ? DIRECT : Optional.empty());
    }

    /** As {@link #create(Path, boolean)}, with {@code direct} the option that asks for direct I/O. */
    static SegmentAppender create(Path file, Optional<OpenOption> direct) throws IOException {
        return create(file, direct, null);
    }

    private static SegmentAppender create(Path file, Optional<OpenOption> direct, ByteBuffer kept) throws IOException {
        if (direct.isPresent()) {
            int block = blockSize(file.getParent());
            if (block > 0) {
                try {
                    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                            direct.get());
                    // One buffer for the journal's life: a direct buffer per segment would be freed
                    // only when the collector gets to it.
                    ByteBuffer stage = kept != null && kept.alignmentOffset(0, block) == 0 && kept.capacity() % block == 0
                            ? kept.clear() : ByteBuffer.allocateDirect(STAGE_BYTES + block).alignedSlice(block);
                    return new SegmentAppender(ch, stage, block, direct);
                } catch (IOException | UnsupportedOperationException e) {
                    // The file system refused O_DIRECT after all: fall back below.
                    Files.deleteIfExists(file);
                }
            }
        }
        return new SegmentAppender(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), null, 0,
                Optional.empty());
    }

    /**
     * Writes out what is appended ({@link #writeOut}) and creates {@code next} the same way, with
     * this one's buffer, leaving this one open for another thread to sync and {@link #close}
     * (which then writes nothing more: see {@link #forceWritten}). Nothing is written to
     * {@code next} before {@code gate} lets it: with direct I/O, appends collect in the buffer
     * until a write-out or a full buffer; through the page cache, the first append waits.
     *
     * @throws IOException if this segment cannot be written or the next one created
     */
    SegmentAppender handOver(Path next, WriteGate gate) throws IOException {
        writeOut();
        SegmentAppender s = create(next, directOption, stage);
        s.gate = gate;
        return s;
    }

    private void awaitGate() throws IOException {
        if (gate != null) {
            gate.await();
            gate = null;
        }
    }

    /**
     * Writes what is appended to the file without forcing it; with direct I/O the last, partial
     * block is padded and written again, completed, by the next write.
     */
    void writeOut() throws IOException {
        if (unwritten) {
            writeStage();
        }
    }

    /**
     * Forces what {@link #writeOut} wrote (and, with {@code metadata}, the file's metadata). Safe
     * from another thread while the owner appends and writes: it touches only the channel, and
     * covers every write that completed before it was called.
     *
     * @throws IOException if the sync fails; nothing written since the last sync may be taken as durable
     */
    void forceWritten(boolean metadata) throws IOException {
        ch.force(metadata);
    }

    /** Whether this file is written with direct I/O. */
    boolean direct() {
        return stage != null;
    }

    /** Bytes appended so far: the segment's logical length. */
    long size() {
        return size;
    }

    /** Appends {@code bytes} as they are. */
    void append(byte[] bytes) throws IOException {
        append(ByteBuffer.wrap(bytes));
    }

    /** Appends one entry (length, CRC-32C, payload); returns the bytes appended. */
    int appendEntry(byte[] payload, int off, int len) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(payload, off, len);
        ByteBuffer header = ByteBuffer.allocate(SegmentFiles.ENTRY_HEADER);
        header.putInt(len).putInt((int) crc.getValue()).flip();
        if (stage == null) {
            awaitGate();
            // No copy: record payloads are batches of up to megabytes (see SegmentFiles).
            ByteBuffer[] parts = {header, ByteBuffer.wrap(payload, off, len)};
            while (parts[0].hasRemaining() || parts[1].hasRemaining()) {
                ch.write(parts);
            }
            size += SegmentFiles.ENTRY_HEADER + len;
        } else {
            append(header);
            append(ByteBuffer.wrap(payload, off, len));
        }
        return SegmentFiles.ENTRY_HEADER + len;
    }

    private void append(ByteBuffer src) throws IOException {
        if (stage == null) {
            awaitGate();
            size += src.remaining();
            SegmentFiles.writeFully(ch, src);
            return;
        }
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), stage.remaining());
            stage.put(stage.position(), src, src.position(), n);
            stage.position(stage.position() + n);
            src.position(src.position() + n);
            size += n;
            unwritten = true;
            if (!stage.hasRemaining()) {
                writeStage();
            }
        }
    }

    /** Writes what is staged, padded to whole blocks; keeps the last partial block staged. */
    private void writeStage() throws IOException {
        awaitGate();
        int n = stage.position();
        int padded = (n + block - 1) / block * block;
        for (int i = n; i < padded; i++) {
            stage.put(i, (byte) 0);
        }
        ByteBuffer out = stage.duplicate().position(0).limit(padded);
        long at = stageAt;
        while (out.hasRemaining()) {
            at += ch.write(out, at);
        }
        int whole = n / block * block;
        if (whole > 0) {
            stage.put(0, stage.duplicate(), whole, n - whole); // [whole, n) is shorter than a block: no overlap
            stageAt += whole;
        }
        stage.clear().position(n - whole);
        unwritten = false;
    }

    /**
     * Makes everything appended durable: writes it, then forces the file ({@code metadata}:
     * whether to force its metadata too, as {@link FileChannel#force} does).
     *
     * @throws IOException if the write or the sync fails; nothing appended may be taken as durable
     */
    void force(boolean metadata) throws IOException {
        if (unwritten) {
            writeStage();
        }
        ch.force(metadata);
    }

    /** Forces everything appended, cuts the file at {@link #size()} and closes it. */
    @Override
    public void close() throws IOException {
        try (ch) {
            force(true);
            if (stage != null && ch.size() > size) {
                ch.truncate(size);
                ch.force(true);
            }
        }
    }

    private static int blockSize(Path dir) {
        try {
            long b = Files.getFileStore(dir).getBlockSize();
            return b >= 512 && b <= 65536 && Long.bitCount(b) == 1 ? (int) b : 0;
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    /** {@code com.sun.nio.file.ExtendedOpenOption.DIRECT}, looked up so that a JDK without it still runs. */
    private static Optional<OpenOption> directOption() {
        try {
            Class<?> c = Class.forName("com.sun.nio.file.ExtendedOpenOption");
            for (Object o : c.getEnumConstants()) {
                if (o instanceof OpenOption opt && "DIRECT".equals(o.toString())) {
                    return Optional.of(opt);
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // not this JDK
        }
        return Optional.empty();
    }
}
