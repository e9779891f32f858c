package dev.telltale.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * Appends to one new segment file, either through the page cache or with direct I/O
 * (decision 30). With direct I/O, appended bytes collect in aligned buffers, and the journal's
 * sync thread writes them (decision 41): {@link #writeOut} only marks how far the next write
 * goes, and {@link #forceWritten} writes, in order, everything marked or filled so far and then
 * forces it. Whole blocks are written where they lie; the last, partial block is copied, padded
 * with zeros and written again, completed, by the next write. The file may therefore hold zeros
 * past {@link #size()} until {@link #close()} cuts it there; a reader stops at a zero entry
 * header ({@link SegmentFiles.Reader#paddedEnd()}). The appending thread waits for the device
 * only when every buffer is full: it then writes this segment's own itself.
 */
final class SegmentAppender implements AutoCloseable {
    static final int STAGE_BYTES = 4 << 20;
    /** Buffers a journal fills ahead of its writes: 64 MiB, about 0.7 s of saturated ingest. */
    static final int MAX_STAGES = 16;
    private static final Optional<OpenOption> DIRECT = directOption();

    private final FileChannel ch;
    private final Stages stages; // null: through the page cache
    private final int block;
    private final Optional<OpenOption> directOption;
    private long size;
    // The appending thread's:
    private ByteBuffer stage;
    private long stageAt; // file offset of stage[0], a multiple of block
    private boolean unwritten;
    private volatile WriteGate gate; // null: open
    /** Handed from the appending thread to whichever thread writes, oldest first. */
    private final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
    // The writing thread's, guarded by this:
    private long writtenTo;
    private ByteBuffer tail;

    /** What a segment's first write waits for (see {@link #handOver}). */
    interface WriteGate {
        /** Returns when the file may be written; throws if it never may. */
        void await() throws IOException;
    }

    /**
     * Bytes {@code [0, limit)} of {@code view} belong at file offset {@code at}; {@code full}: the
     * buffer is done with once written ({@code buffer} goes back to the pool).
     */
    private record Write(ByteBuffer buffer, ByteBuffer view, long at, int limit, boolean full) {
    }

    private SegmentAppender(FileChannel ch, Stages stages, ByteBuffer stage, int block, Optional<OpenOption> directOption) {
        this.ch = ch;
        this.stages = stages;
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

    private static SegmentAppender create(Path file, Optional<OpenOption> direct, SegmentAppender previous)
            throws IOException {
        Stages kept = previous != null ? previous.stages : null;
        if (direct.isPresent()) {
            int block = kept != null ? kept.block : blockSize(file.getParent());
            FileChannel ch = block > 0 ? openDirect(file, direct.get()) : null;
            if (ch != null) {
                // One pool for the journal's life: direct buffers are freed only when the collector gets to them.
                Stages stages = kept != null ? kept : new Stages(block, MAX_STAGES);
                try {
                    return new SegmentAppender(ch, stages, freeBuffer(stages, previous), block, direct);
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
            }
        }
        return new SegmentAppender(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), null,
                null, 0, Optional.empty());
    }

    /** Creates {@code file} for direct I/O, or returns null (and leaves no file) where the file system refuses it. */
    private static FileChannel openDirect(Path file, OpenOption direct) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, direct);
        } catch (IOException | UnsupportedOperationException e) {
            Files.deleteIfExists(file);
            return null;
        }
    }

    /**
     * A free buffer. When every one waits to be written (the device is slow), {@code holder}'s
     * are written here first, on the calling thread, which frees all its full ones.
     */
    private static ByteBuffer freeBuffer(Stages stages, SegmentAppender holder) throws IOException {
        ByteBuffer b = stages.poll();
        if (b == null && holder != null) {
            holder.drain();
            b = stages.poll();
        }
        if (b == null) {
            throw new IOException("every journal write buffer is in use");
        }
        return b;
    }

    /**
     * Marks what is appended for writing ({@link #writeOut}) and creates {@code next} the same
     * way, with this one's buffers, leaving this one open for another thread to write, sync and
     * {@link #close}. Nothing is written to {@code next} before {@code gate} lets it: with direct
     * I/O, the thread that writes {@code next} asks the gate first; through the page cache, the
     * first append waits.
     *
     * @throws IOException if the next one cannot be created, or this one cannot be written when
     *         every buffer waits in it
     */
    SegmentAppender handOver(Path next, WriteGate gate) throws IOException {
        writeOut();
        SegmentAppender s = create(next, directOption, this);
        s.gate = gate;
        return s;
    }

    private void awaitGate() throws IOException {
        WriteGate g = gate;
        if (g != null) {
            g.await();
            gate = null;
        }
    }

    /**
     * Through the page cache, nothing (appends are written as they come); with direct I/O, marks
     * everything appended so far for the next {@link #forceWritten}, without waiting for the device.
     */
    void writeOut() {
        if (unwritten) {
            writes.add(new Write(stage, stage.duplicate(), stageAt, stage.position(), false));
            unwritten = false;
        }
    }

    /**
     * Writes what {@link #writeOut} marked and what filled a buffer, then forces it (and, with
     * {@code metadata}, the file's metadata). Safe from another thread while the owner appends:
     * it covers everything marked before it was called.
     *
     * @throws IOException if a write or the sync fails; nothing written since the last sync may be taken as durable
     */
    void forceWritten(boolean metadata) throws IOException {
        drain();
        ch.force(metadata);
    }

    /** Whether this file is written with direct I/O. */
    boolean direct() {
        return stages != null;
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
        if (stages == null) {
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
        if (stages == null) {
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
                nextStage();
            }
        }
    }

    /** The stage is full: hand it to the writer and go on in a free one. */
    private void nextStage() throws IOException {
        writes.add(new Write(stage, stage.duplicate(), stageAt, stage.capacity(), true));
        stageAt += stage.capacity();
        stage = null;
        unwritten = false;
        // When every buffer waits for the device, this segment's own are written here, as before
        // decision 41; that frees at least the one just filled.
        stage = freeBuffer(stages, this);
    }

    /** Writes, in order, what was handed over; on whichever thread needs it done. */
    private synchronized void drain() throws IOException {
        Write w;
        while ((w = writes.peek()) != null) {
            awaitGate();
            write(w);
            writes.poll();
            if (w.full()) {
                stages.give(w.buffer());
            }
        }
    }

    /** Writes the new bytes of {@code w}: whole blocks where they lie, the partial last one padded. */
    private void write(Write w) throws IOException {
        long to = w.at() + w.limit();
        if (to <= writtenTo) {
            return;
        }
        long from = Math.max(w.at(), writtenTo / block * block);
        long whole = to / block * block;
        if (whole > from) {
            writeAt(w.view().limit((int) (whole - w.at())).position((int) (from - w.at())), from);
        }
        if (to > whole) {
            if (tail == null) {
                tail = ByteBuffer.allocateDirect(2 * block).alignedSlice(block).limit(block);
            }
            int n = (int) (to - whole);
            tail.clear().limit(block);
            tail.put(0, w.view().clear(), (int) (whole - w.at()), n);
            for (int i = n; i < block; i++) {
                tail.put(i, (byte) 0);
            }
            writeAt(tail, whole);
        }
        writtenTo = to;
    }

    private void writeAt(ByteBuffer out, long at) throws IOException {
        while (out.hasRemaining()) {
            at += ch.write(out, at);
        }
    }

    /**
     * Makes everything appended durable: writes it, then forces the file ({@code metadata}:
     * whether to force its metadata too, as {@link FileChannel#force} does).
     *
     * @throws IOException if the write or the sync fails; nothing appended may be taken as durable
     */
    void force(boolean metadata) throws IOException {
        writeOut();
        forceWritten(metadata);
    }

    /** Forces everything appended, cuts the file at {@link #size()} and closes it. */
    @Override
    public void close() throws IOException {
        try (ch) {
            force(true);
            if (stages != null && ch.size() > size) {
                ch.truncate(size);
                ch.force(true);
            }
        }
        if (stages != null && stage != null) {
            stages.give(stage);
            stage = null;
        }
    }

    /** The aligned buffers one journal fills ahead of its writes, allocated as needed and kept. */
    private static final class Stages {
        private final int block;
        private final int max;
        private final LinkedBlockingQueue<ByteBuffer> free = new LinkedBlockingQueue<>();
        private final AtomicInteger allocated = new AtomicInteger();

        Stages(int block, int max) {
            this.block = block;
            this.max = max;
        }

        /** A free buffer, or a new one while fewer than max exist; empty when neither. */
        ByteBuffer poll() {
            ByteBuffer b = free.poll();
            if (b == null && allocated.getAndUpdate(n -> n < max ? n + 1 : n) < max) {
                b = ByteBuffer.allocateDirect(STAGE_BYTES + block).alignedSlice(block);
            }
            return b == null ? null : b.clear();
        }

        void give(ByteBuffer b) {
            free.add(b);
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
