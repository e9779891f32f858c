package dev.telltale.journal;

import dev.telltale.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.telltale.journal.FileJournalTest.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private Journal start(Sink early, Sink durable) {
        Journal j = Journal.open(dir, JournalConfig.defaults(), new Metrics());
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
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Sink store = new Sink(Integer.MAX_VALUE);
        Sink engine = new Sink(0) {
            @Override
            public void accept(JournalRecord r) {
                super.accept(r);
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        RecordingCallback cb = new RecordingCallback();
        try (Journal j = start(store, engine)) {
            j.submit(batch(1, 10, cb));
            assertEquals("ack 10", cb.next());
            for (int i = 1; i < 4; i++) {
                j.submit(batch(1 + 10L * i, 10, cb));
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (store.seen.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(4, store.seen.size(), "offered while the sync thread is held up");
            assertTrue(cb.answers.isEmpty(), "nothing acknowledged out of turn: " + cb.answers);
            release.countDown();
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
}
