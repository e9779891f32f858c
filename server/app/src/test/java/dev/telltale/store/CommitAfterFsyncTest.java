package dev.telltale.store;

import dev.telltale.journal.Durability;
import dev.telltale.journal.JournalException;
import dev.telltale.journal.JournalRecord;
import dev.telltale.journal.RecordSink;
import dev.telltale.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.telltale.store.LuceneEventStoreTest.BASE_US;
import static dev.telltale.store.LuceneEventStoreTest.SHOP;
import static dev.telltale.store.LuceneEventStoreTest.awaitSearchable;
import static dev.telltale.store.LuceneEventStoreTest.config;
import static dev.telltale.store.LuceneEventStoreTest.file;
import static dev.telltale.store.LuceneEventStoreTest.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decision 39: the journal hands records to the store before their fsync, so an event is
 * searchable while the device flushes, but no commit of the store may hold an event the journal
 * could still lose: after a power cut the journal would give its unique id to another event,
 * and replay would then skip that one as already committed.
 */
class CommitAfterFsyncTest {
    private static final long NOW = BASE_US / 1000;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static JournalRecord record(String path) {
        return JournalRecord.of(0, 100, SHOP, 1, 1, 1, BASE_US, NOW, file("open", path, 1));
    }

    private static LuceneEventStore open(Path dir) {
        return (LuceneEventStore) EventStore.open(dir, config(), new Metrics(), CLOCK);
    }

    @Test
    void anEventIsSearchableBeforeItIsDurableAndCommittedOnlyAfter() throws Exception {
        CountDownLatch fsynced = new CountDownLatch(1);
        AtomicLong asked = new AtomicLong(-1);
        Durability journal = end -> {
            asked.set(end);
            try {
                fsynced.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        JournalRecord r = record("/srv/early");
        LuceneEventStore s = open(dir);
        RecordSink sink = s.start(p -> { }, journal);
        assertTrue(sink.offer(r), "an empty queue takes a record without waiting");
        awaitSearchable(s, "/srv/early");
        CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
            try {
                s.checkpointNow();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(commit.isDone(), "the commit waits for the journal's fsync");
        assertEquals(r.end(), asked.get(), "it waits for the end of every record indexed");
        fsynced.countDown();
        commit.get(10, TimeUnit.SECONDS);
        s.crash();
        try (LuceneEventStore again = open(dir)) {
            assertEquals(r.end(), again.checkpoint());
            again.refreshNow();
            assertEquals(1, again.search(q("path:\"/srv/early\"")).hits().size(), "committed, without any replay");
        }
    }

    @Test
    void aCommitOfEventsTheJournalFailedToSyncIsNeverFinished() throws Exception {
        Durability failed = end -> {
            throw new JournalException("the journal failed before position " + end + " was durable");
        };
        JournalRecord r = record("/srv/lost-fsync");
        LuceneEventStore s = open(dir);
        RecordSink sink = s.start(p -> { }, failed);
        assertTrue(sink.offer(r));
        awaitSearchable(s, "/srv/lost-fsync");
        assertThrows(JournalException.class, s::checkpointNow);
        s.crash();
        try (LuceneEventStore again = open(dir)) {
            assertEquals(0, again.checkpoint(), "no checkpoint past what the journal holds");
            again.refreshNow();
            assertEquals(0, again.search(q("")).hits().size(), "nothing of the unsynced record was committed");
            again.replay(r);
            again.refreshNow();
            assertEquals(1, again.search(q("")).hits().size(), "what the journal replays is indexed as usual");
        }
    }
}
