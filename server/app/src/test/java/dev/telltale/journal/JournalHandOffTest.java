package dev.telltale.journal;

import dev.telltale.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.telltale.journal.FileJournalTest.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Decision 39: the store is offered each record before its group's fsync (it becomes searchable
 * while the device flushes); everything else, and what the store declines, comes after.
 */
class JournalHandOffTest {
    @TempDir
    Path dir;

    /** What a sink saw: the record, and the journal's durable end when it saw it. */
    record Seen(JournalRecord record, long durableEnd, boolean early) {
    }

    private static class Sink implements RecordSink {
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final AtomicInteger offers = new AtomicInteger();
        final int declineFrom;
        Journal journal;

        Sink(int declineFrom) {
            this.declineFrom = declineFrom;
        }

        @Override
        public boolean offer(JournalRecord r) {
            if (offers.incrementAndGet() > declineFrom) {
                return false;
            }
            seen.add(new Seen(r, journal.durableEnd(), true));
            return true;
        }

        @Override
        public void accept(JournalRecord r) {
            seen.add(new Seen(r, journal.durableEnd(), false));
        }
    }

    /**
     * A reader that holds the sync thread up in its first record until released, as a slow
     * fsync would; closing it releases it, so that a failed assertion cannot hang the test.
     */
    private static final class HeldSink extends Sink implements AutoCloseable {
        private final CountDownLatch latch = new CountDownLatch(1);

        HeldSink() {
            super(0);
        }

        @Override
        public void accept(JournalRecord r) {
            super.accept(r);
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void release() {
            latch.countDown();
        }

        @Override
        public void close() {
            release();
        }
    }

    private Journal start(Sink early, Sink durable) {
        return start(early, durable, JournalConfig.defaults());
    }

    private Journal start(Sink early, Sink durable, JournalConfig config) {
        Journal j = Journal.open(dir, config, new Metrics());
        early.journal = j;
        durable.journal = j;
        j.replay(0, r -> { });
        j.start(early, durable);
        return j;
    }

    /** Five batches of ten, each acknowledged before the next is sent: five records. */
    private static void submitFiveInTurn(Journal j, RecordingCallback cb) throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            j.submit(batch(1 + 10L * i, 10, cb));
            assertEquals("ack " + (10 + 10 * i), cb.next());
        }
    }

    @Test
    void theStoreGetsARecordBeforeItsFsyncAndTheOtherReadersAfter() throws Exception {
        Sink store = new Sink(Integer.MAX_VALUE);
        Sink engine = new Sink(0);
        RecordingCallback cb = new RecordingCallback();
        try (Journal j = start(store, engine)) {
            submitFiveInTurn(j, cb);
            JournalRecord last = store.seen.get(4).record();
            j.awaitDurable(last.end());
            assertTrue(j.durableEnd() >= last.end());
        }
        assertEquals(5, store.seen.size());
        assertEquals(5, engine.seen.size());
        for (int i = 0; i < 5; i++) {
            Seen s = store.seen.get(i);
            assertTrue(s.early(), "offered, not accepted after the fsync");
            assertTrue(s.durableEnd() < s.record().end(), "offered before its fsync");
            Seen e = engine.seen.get(i);
            assertEquals(s.record().position(), e.record().position());
            assertTrue(e.durableEnd() >= e.record().end(), "the engine sees durable records only");
        }
    }

    @Test
    void aRecordTheStoreDeclinesComesAfterItsFsyncInOrder() throws Exception {
        Sink store = new Sink(2);
        Sink engine = new Sink(0);
        RecordingCallback cb = new RecordingCallback();
        try (Journal j = start(store, engine)) {
            submitFiveInTurn(j, cb);
        }
        assertEquals(5, store.seen.size(), "each record once");
        long previous = -1;
        for (int i = 0; i < 5; i++) {
            Seen s = store.seen.get(i);
            assertTrue(s.record().position() > previous, "in position order");
            previous = s.record().position();
            assertEquals(i < 2, s.early());
            if (!s.early()) {
                assertTrue(s.durableEnd() >= s.record().end(), "a declined record comes once durable");
            }
        }
    }

    @Test
    void waitingForDurabilityEndsWhenTheJournalClosesShort() throws Exception {
        Sink store = new Sink(Integer.MAX_VALUE);
        Sink engine = new Sink(0);
        RecordingCallback cb = new RecordingCallback();
        Journal j = start(store, engine);
        j.submit(batch(1, 10, cb));
        assertEquals("ack 10", cb.next());
        long end = store.seen.get(0).record().end();
        j.close();
        j.awaitDurable(end); // durable before the close: returns at once
        JournalException e = assertThrows(JournalException.class, () -> j.awaitDurable(end + 1));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    /**
     * The journal thread writes the next groups, and hands them to the store, while the sync
     * thread is still busy with an earlier one: here it is held up handing a durable record to
     * a slow reader, as it is held up by a slow fsync. Answers keep their order.
     */
    @Test
    void theStoreKeepsGettingRecordsWhileAnEarlierGroupWaitsForItsSync() throws Exception {
        Sink store = new Sink(Integer.MAX_VALUE);
        HeldSink engine = new HeldSink();
        RecordingCallback cb = new RecordingCallback();
        try (Journal j = start(store, engine); HeldSink held = engine) {
            j.submit(batch(1, 10, cb));
            assertEquals("ack 10", cb.next());
            for (int i = 1; i < 4; i++) {
                j.submit(batch(1 + 10L * i, 10, cb));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (store.seen.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(4, store.seen.size(), "offered while the sync thread is held up");
            assertTrue(cb.answers.isEmpty(), "nothing acknowledged out of turn: " + cb.answers);
            engine.release();
            long acked = 10;
            while (acked < 40) {
                String answer = cb.next();
                assertTrue(answer.startsWith("ack "), answer);
                long n = Long.parseLong(answer.substring(4));
                assertTrue(n > acked, "acknowledgements in order: " + answer + " after " + acked);
                acked = n;
            }
        }
        assertEquals(4, engine.seen.size());
    }

    /**
     * Decision 40: moving on to a new segment no longer waits for the old one's fsync. While the
     * sync thread is held up, the journal thread rolls over and keeps handing records to the
     * store; the new segment is neither written nor listed (a backup copies listed segments)
     * until the old one is durable. Everything is acknowledged in order and replays afterwards.
     */
    @Test
    void aRolloverKeepsRecordsComingToTheStoreWhileTheOldSegmentSyncs(@TempDir Path backup) throws Exception {
        assumeDirectIo();
        Sink store = new Sink(Integer.MAX_VALUE);
        HeldSink engine = new HeldSink();
        RecordingCallback cb = new RecordingCallback();
        int big = 8000;
        int bigBatches = 6;
        long total = 10 + (long) big * bigBatches;
        try (Journal j = start(store, engine, new JournalConfig(1 << 20, 64L << 20, 32L << 20)); HeldSink held = engine) {
            j.submit(batch(1, 10, cb));
            assertEquals("ack 10", cb.next()); // the sync thread is now held up in the engine
            submitBig(j, cb, big, bigBatches);
            awaitOffered(store, 1 + bigBatches);
            assertEquals(1 + bigBatches, store.seen.size(), "offered across the rollover while the sync thread is held up");
            JournalRecord last = store.seen.get(bigBatches).record();
            assertTrue(last.position() >= 1 << 20, "the records reached a second segment: " + last.position());
            List<Path> files = segmentFiles();
            assertEquals(2, files.size(), "the new segment exists: " + files);
            assertEquals(0, Files.size(files.get(1)), "nothing of it written before the old one is durable");
            Path copy = backup.resolve("journal");
            j.copyTo(copy);
            try (var listed = Files.list(copy)) {
                assertEquals(1, listed.count(), "only the old segment is listed for a backup");
            }
            assertTrue(cb.answers.isEmpty(), "nothing acknowledged out of turn: " + cb.answers);
            engine.release();
            awaitAckedInOrder(cb, 10, total);
            j.awaitDurable(last.end());
            assertTrue(Files.size(files.get(1)) > 0, "written once the old one is durable");
        }
        assertEquals(total, replayedInOrder(), "every acknowledged event replays");
    }

    /**
     * Decision 41: with direct I/O the journal thread only fills buffers and the sync thread
     * writes them, so a write stuck on the device holds up acknowledgements, never the records
     * on their way to the store. Here the sync thread is held up while more than two buffers'
     * worth of records arrive: all reach the store and none reaches the file, until it is let go.
     */
    @Test
    void theJournalThreadLeavesTheWritesToTheSyncThread() throws Exception {
        assumeDirectIo();
        Sink store = new Sink(Integer.MAX_VALUE);
        HeldSink engine = new HeldSink();
        RecordingCallback cb = new RecordingCallback();
        int big = 20000;
        int bigBatches = 20;
        long total = 10 + (long) big * bigBatches;
        try (Journal j = start(store, engine); HeldSink held = engine) {
            j.submit(batch(1, 10, cb));
            assertEquals("ack 10", cb.next()); // the sync thread is now held up in the engine
            Path segment = segmentFiles().get(0);
            long before = Files.size(segment);
            submitBig(j, cb, big, bigBatches);
            awaitOffered(store, 1 + bigBatches);
            assertEquals(1 + bigBatches, store.seen.size(), "offered while the sync thread is held up");
            long appended = store.seen.get(bigBatches).record().end();
            assertTrue(appended > 2L * SegmentAppender.STAGE_BYTES, "more than two buffers appended: " + appended);
            assertEquals(before, Files.size(segment), "the journal thread wrote nothing itself");
            engine.release();
            awaitAckedInOrder(cb, 10, total);
            assertTrue(Files.size(segment) >= appended, "written by the sync thread: " + Files.size(segment));
        }
        assertEquals(total, replayedInOrder(), "every acknowledged event replays");
    }

    /** Batches of {@code big} events each, numbered on from the first batch of ten. */
    private static void submitBig(Journal j, RecordingCallback cb, int big, int batches) {
        for (int i = 0; i < batches; i++) {
            j.submit(batch(11 + (long) big * i, big, cb));
        }
    }

    /** Waits up to ten seconds for the store to have been offered {@code n} records. */
    private static void awaitOffered(Sink store, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.seen.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Takes acknowledgements after {@code acked} until {@code total}, each past the one before. */
    private static void awaitAckedInOrder(RecordingCallback cb, long acked, long total) throws InterruptedException {
        while (acked < total) {
            String answer = cb.next();
            assertTrue(answer.startsWith("ack "), answer);
            long n = Long.parseLong(answer.substring(4));
            assertTrue(n > acked, "acknowledgements in order: " + answer + " after " + acked);
            acked = n;
        }
    }

    /** Replays the journal from the start, checking the order; returns the events replayed. */
    private long replayedInOrder() {
        long[] replayed = {0, 0};
        try (Journal j = Journal.open(dir, JournalConfig.defaults(), new Metrics())) {
            j.replay(0, r -> {
                assertEquals(replayed[1] + 1, r.firstSeq(), "replayed in order");
                replayed[0] += r.size();
                replayed[1] = r.lastSeq();
            });
        }
        return replayed[0];
    }

    private void assumeDirectIo() throws IOException {
        Path probe = dir.resolve("probe");
        boolean direct;
        try (SegmentAppender a = SegmentAppender.create(probe, true)) {
            direct = a.direct();
        }
        Files.delete(probe);
        assumeTrue(direct, "this file system takes no direct I/O");
    }

    private List<Path> segmentFiles() throws IOException {
        try (var list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }
}
