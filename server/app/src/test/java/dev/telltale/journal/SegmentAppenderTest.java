package dev.telltale.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The same contract through the page cache and with direct I/O. */
class SegmentAppenderTest {
    @TempDir
    Path dir;

    /** Entries of every size, a few larger than the staging buffer, forced now and then. */
    private static List<byte[]> appendMany(SegmentAppender a, long seed) throws IOException {
        Random rnd = new Random(seed);
        List<byte[]> written = new ArrayList<>();
        a.append(SegmentFiles.MAGIC);
        for (int i = 0; i < 300; i++) {
            int len = i % 97 == 5 ? SegmentAppender.STAGE_BYTES + rnd.nextInt(100_000) : 1 + rnd.nextInt(i % 3 == 0 ? 9000 : 300);
            byte[] p = new byte[len];
            rnd.nextBytes(p);
            p[0] = 1; // never all zeros
            long before = a.size();
            assertEquals(SegmentFiles.ENTRY_HEADER + len, a.appendEntry(p, 0, len));
            assertEquals(before + SegmentFiles.ENTRY_HEADER + len, a.size());
            written.add(p);
            if (rnd.nextInt(7) == 0) {
                a.force(false);
            }
        }
        return written;
    }

    private static List<byte[]> readAll(Path file) throws IOException {
        List<byte[]> read = new ArrayList<>();
        try (SegmentFiles.Reader r = new SegmentFiles.Reader(file)) {
            while (r.next()) {
                read.add(Arrays.copyOf(r.payload(), r.length()));
            }
            assertTrue(r.atEnd(), "the entries end cleanly at " + r.offset());
        }
        return read;
    }

    private static void assertSame(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "entry " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyEntryReadsBackAndTheClosedFileEndsAtItsSize(boolean direct) throws IOException {
        Path file = dir.resolve("a.wal");
        List<byte[]> written;
        long size;
        try (SegmentAppender a = SegmentAppender.create(file, direct)) {
            assumeTrue(a.direct() == direct, "this file system takes no direct I/O");
            written = appendMany(a, 42);
            size = a.size();
        }
        assertEquals(size, Files.size(file));
        assertSame(written, readAll(file));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void whatWasForcedIsReadableBeforeCloseAsAfterACrash(boolean direct) throws IOException {
        Path file = dir.resolve("b.wal");
        try (SegmentAppender a = SegmentAppender.create(file, direct)) {
            assumeTrue(a.direct() == direct, "this file system takes no direct I/O");
            List<byte[]> written = appendMany(a, 7);
            a.force(false);
            // Read while the appender is open: what a restart after kill -9 finds.
            assertSame(written, readAll(file));
            if (direct) {
                assertTrue(Files.size(file) % 512 == 0 && Files.size(file) >= a.size(), "whole blocks on disk");
            }
            byte[] more = "one more entry after the forced ones".getBytes();
            a.appendEntry(more, 0, more.length);
            a.force(false);
            written.add(more);
            assertSame(written, readAll(file));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theNextSegmentIsWrittenTheSameWayAndTheFirstStaysWhole(boolean direct) throws IOException {
        Path first = dir.resolve("d1.wal");
        Path second = dir.resolve("d2.wal");
        SegmentAppender a = SegmentAppender.create(first, direct);
        assumeTrue(a.direct() == direct, "this file system takes no direct I/O");
        List<byte[]> one = appendMany(a, 11);
        long firstSize = a.size();
        List<byte[]> two;
        try (SegmentAppender b = a.handOver(second, () -> { })) {
            assertEquals(direct, b.direct());
            assertEquals(0, b.size());
            two = appendMany(b, 12);
            b.writeOut();
            // As the journal's sync thread does: the first is written, forced and closed while the
            // second, which shares its direct-I/O buffers, is in use.
            a.forceWritten(false);
            a.close();
            for (int i = 0; i < 3; i++) {
                byte[] p = new byte[700 + i];
                Arrays.fill(p, (byte) (i + 1));
                b.appendEntry(p, 0, p.length);
                two.add(p);
            }
        }
        assertEquals(firstSize, Files.size(first));
        assertSame(one, readAll(first));
        assertSame(two, readAll(second));
    }

    /**
     * Decision 40: the next segment takes appends before its gate opens and writes none of them
     * (direct I/O), or waits for the gate at its first append (page cache); a gate that never
     * opens fails the write.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nothingReachesTheNextSegmentBeforeItsGateOpens(boolean direct) throws Exception {
        SegmentAppender a = SegmentAppender.create(dir.resolve("g1.wal"), direct);
        assumeTrue(a.direct() == direct, "this file system takes no direct I/O");
        appendMany(a, 3);
        CountDownLatch open = new CountDownLatch(1);
        AtomicInteger waits = new AtomicInteger();
        Path second = dir.resolve("g2.wal");
        byte[] p = "held until the first segment is durable".getBytes();
        try (SegmentAppender b = a.handOver(second, () -> {
            waits.incrementAndGet();
            try {
                open.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        })) {
            if (direct) {
                b.append(SegmentFiles.MAGIC);
                b.appendEntry(p, 0, p.length);
                assertEquals(0, waits.get(), "appends are staged");
                assertEquals(0, Files.size(second), "nothing written before the gate");
                open.countDown();
                b.writeOut();
                assertEquals(0, Files.size(second), "marked, not written: the sync thread writes");
                b.forceWritten(false);
            } else {
                Thread opener = new Thread(() -> {
                    try {
                        Thread.sleep(200);
                        assertEquals(0, Files.size(second), "nothing written before the gate");
                    } catch (InterruptedException | IOException e) {
                        throw new AssertionError(e);
                    }
                    open.countDown();
                });
                opener.start();
                b.append(SegmentFiles.MAGIC); // waits for the opener
                b.appendEntry(p, 0, p.length);
                opener.join();
            }
            assertEquals(1, waits.get(), "the gate is asked once");
            a.close();
        }
        assertSame(List.of(p), readAll(second));
        SegmentAppender c = SegmentAppender.create(dir.resolve("h1.wal"), direct);
        SegmentAppender d = c.handOver(dir.resolve("h2.wal"), () -> {
            throw new IOException("the first segment's sync failed");
        });
        c.close();
        IOException e = assertThrows(IOException.class, () -> {
            d.append(SegmentFiles.MAGIC);
            d.writeOut();
            d.forceWritten(false);
        });
        assertEquals("the first segment's sync failed", e.getMessage());
        try {
            d.close();
        } catch (IOException expected) {
            // with direct I/O, closing writes out what is staged and asks the gate again
        }
        assertEquals(0, Files.size(dir.resolve("h2.wal")), "nothing written past a failed gate");
    }

    /**
     * Decision 41: with direct I/O, appends fill buffers and another thread writes them. While
     * that thread is stuck (here at the gate, as on a slow device), appends go on until every
     * buffer is full, and only then wait; what was appended is written whole once it moves.
     */
    @Test
    void appendsWaitForTheWriterOnlyOnceEveryBufferIsFull() throws Exception {
        SegmentAppender a = SegmentAppender.create(dir.resolve("w1.wal"), true);
        assumeTrue(a.direct(), "this file system takes no direct I/O");
        CountDownLatch open = new CountDownLatch(1);
        Path file = dir.resolve("w2.wal");
        SegmentAppender b = a.handOver(file, () -> {
            try {
                open.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        });
        a.close();
        List<byte[]> written = new ArrayList<>();
        byte[] mib = new byte[1 << 20];
        Arrays.fill(mib, (byte) 3);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            b.append(SegmentFiles.MAGIC);
            b.writeOut();
            Future<?> writer = pool.submit(() -> {
                b.forceWritten(false); // stuck until the gate opens
                return null;
            });
            int free = (SegmentAppender.MAX_STAGES - 1) * SegmentAppender.STAGE_BYTES / mib.length - 1;
            pool.submit(() -> {
                for (int i = 0; i < free; i++) {
                    b.appendEntry(mib, 0, mib.length);
                    written.add(mib);
                }
                b.writeOut();
                return null;
            }).get(30, TimeUnit.SECONDS);
            assertEquals(0, Files.size(file), "nothing written while the writer is stuck");
            Future<?> more = pool.submit(() -> {
                for (int i = 0; i < 2 * SegmentAppender.STAGE_BYTES / mib.length; i++) {
                    b.appendEntry(mib, 0, mib.length);
                    written.add(mib);
                }
                return null;
            });
            Thread.sleep(300);
            assertFalse(more.isDone(), "every buffer full: the appender waits for the writer");
            open.countDown();
            more.get(30, TimeUnit.SECONDS);
            writer.get(30, TimeUnit.SECONDS);
            b.close();
        } finally {
            open.countDown();
            pool.shutdownNow();
        }
        assertSame(written, readAll(file));
    }

    /**
     * Decision 41: a new segment needs a buffer. When every one waits in the segment handed over
     * from (nobody has written it yet), the handing thread writes that one first.
     */
    @Test
    void aNewSegmentWhoseBuffersAllWaitInTheOldOneWritesTheOldOneFirst() throws IOException {
        Path first = dir.resolve("x1.wal");
        SegmentAppender a = SegmentAppender.create(first, true);
        assumeTrue(a.direct(), "this file system takes no direct I/O");
        byte[] mib = new byte[1 << 20];
        Arrays.fill(mib, (byte) 5);
        List<byte[]> one = new ArrayList<>();
        a.append(SegmentFiles.MAGIC);
        for (int i = 0; i < SegmentAppender.MAX_STAGES * SegmentAppender.STAGE_BYTES / mib.length - 2; i++) {
            a.appendEntry(mib, 0, mib.length);
            one.add(mib);
        }
        a.writeOut();
        assertEquals(0, Files.size(first), "every buffer full or in use, none written");
        byte[] p = "the first entry of the next segment".getBytes();
        try (SegmentAppender b = a.handOver(dir.resolve("x2.wal"), () -> { })) {
            assertTrue(Files.size(first) >= (SegmentAppender.MAX_STAGES - 1L) * SegmentAppender.STAGE_BYTES,
                    "the old segment written to free a buffer: " + Files.size(first));
            b.append(SegmentFiles.MAGIC);
            b.appendEntry(p, 0, p.length);
            a.close();
        }
        assertSame(one, readAll(first));
        assertSame(List.of(p), readAll(dir.resolve("x2.wal")));
    }

    @Test
    void paddingShorterThanAnEntryHeaderIsStillAnEnd() throws IOException {
        Path file = dir.resolve("e.wal");
        try (SegmentAppender a = SegmentAppender.create(file, true)) {
            assumeTrue(a.direct(), "this file system takes no direct I/O");
            int block = (int) Files.getFileStore(dir).getBlockSize();
            byte[] p = new byte[block - 3 - SegmentFiles.MAGIC.length - SegmentFiles.ENTRY_HEADER];
            Arrays.fill(p, (byte) 7);
            a.append(SegmentFiles.MAGIC);
            a.appendEntry(p, 0, p.length);
            a.force(false);
            assertEquals(block, Files.size(file), "three bytes of padding");
            assertSame(List.of(p), readAll(file));
        }
    }

    @Test
    void aPaddedSegmentLeftByACrashReplaysAndIsCutToItsEntries() throws Exception {
        Path file = dir.resolve(SegmentFiles.path(dir, 0).getFileName());
        SegmentAppender a = SegmentAppender.create(file, true);
        assumeTrue(a.direct(), "this file system takes no direct I/O");
        a.append(SegmentFiles.MAGIC);
        dev.telltale.protocol.WireWriter snap = new dev.telltale.protocol.WireWriter(64);
        RecordCodec.encodeSnapshot(1, new java.util.HashMap<>(), snap);
        a.appendEntry(snap.buffer(), 0, snap.size());
        a.force(true);
        long logical = a.size();
        assertTrue(Files.size(file) > logical, "padded to a block while open");
        // Never closed, as after kill -9: replay takes the padding for the end, and cuts it.
        try (Journal j = Journal.open(dir, JournalConfig.defaults(), new dev.telltale.metrics.Metrics())) {
            j.replay(0, r -> { });
        }
        assertEquals(logical, Files.size(file));
        a.close();
    }

    @Test
    void aFileSystemThatRefusesDirectIoGetsThePageCache() throws IOException {
        Path file = dir.resolve("c.wal");
        // An option FileChannel does not know is refused as an old kernel refuses O_DIRECT.
        java.nio.file.OpenOption refused = new java.nio.file.OpenOption() {
        };
        try (SegmentAppender a = SegmentAppender.create(file, java.util.Optional.of(refused))) {
            assertFalse(a.direct());
            List<byte[]> written = appendMany(a, 3);
            a.force(true);
            assertSame(written, readAll(file));
        }
    }
}
