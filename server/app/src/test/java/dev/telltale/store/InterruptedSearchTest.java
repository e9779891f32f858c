package dev.telltale.store;

import dev.telltale.journal.JournalRecord;
import dev.telltale.journal.RecordSink;
import dev.telltale.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.telltale.store.LuceneEventStoreTest.BASE_US;
import static dev.telltale.store.LuceneEventStoreTest.SHOP;
import static dev.telltale.store.LuceneEventStoreTest.awaitSearchable;
import static dev.telltale.store.LuceneEventStoreTest.config;
import static dev.telltale.store.LuceneEventStoreTest.file;
import static dev.telltale.store.LuceneEventStoreTest.q;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A search refreshes a reader that is older than the refresh interval, which writes index files.
 * Lucene checks its write lock before each file with an interruptible file-channel call, so a
 * refresh on an interrupted thread (a request whose client went away) closed the lock's channel
 * and left a writer that could neither add, commit nor close. Searches now leave the writing to
 * the store's refresh thread.
 */
class InterruptedSearchTest {
    private static final long NOW = BASE_US / 1000;

    @TempDir
    Path dir;

    private static JournalRecord record(long position, long uid, String path) {
        return JournalRecord.of(position, position + 100, SHOP, uid, uid, uid, BASE_US, NOW, file("open", path, 1));
    }

    /** Waits without searching: a search would refresh on this thread and end the quiet spell. */
    private static void awaitIndexedCount(Metrics metrics, double n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            double indexed = metrics.scrape().lines().filter(l -> l.startsWith("telltale_store_indexed_events_total "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).sum();
            if (indexed >= n) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(n + " events not indexed within 10 s");
    }

    /**
     * The first search after a quiet spell refreshes a reader up to seconds old: before the fix
     * it did so on its own thread, and an interrupt there killed the writer.
     */
    @Test
    void anInterruptedSearchLeavesTheWriterWhole() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        Metrics metrics = new Metrics();
        try (LuceneEventStore s = (LuceneEventStore) EventStore.open(dir, config(), metrics, clock)) {
            RecordSink sink = s.start(p -> { });
            sink.accept(record(0, 1, "/srv/before"));
            awaitIndexedCount(metrics, 1);
            Thread.sleep(120); // older than the refresh interval (50 ms): this search refreshes
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread searcher = Thread.ofPlatform().start(() -> {
                Thread.currentThread().interrupt();
                try {
                    s.search(q(""));
                } catch (RuntimeException e) {
                    failed.set(e);
                }
            });
            searcher.join();
            if (failed.get() != null) {
                throw new AssertionError("an interrupted search may find less, not fail", failed.get());
            }
            sink.accept(record(100, 2, "/srv/after"));
            awaitSearchable(s, "/srv/after");
            s.checkpointNow();
            assertEquals(2, s.search(q("")).hits().size(), "both events indexed and committed");
        }
    }

    /** A backup's snapshot asks for a commit, from a request thread too. */
    @Test
    void anInterruptedSnapshotCommitsAndTheWriterGoesOn() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        Metrics metrics = new Metrics();
        try (LuceneEventStore s = (LuceneEventStore) EventStore.open(dir.resolve("events"), config(), metrics, clock)) {
            RecordSink sink = s.start(p -> { });
            sink.accept(record(0, 1, "/srv/before"));
            awaitIndexedCount(metrics, 1);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
            Thread backup = Thread.ofPlatform().start(() -> {
                Thread.currentThread().interrupt();
                try {
                    s.snapshot(dir.resolve("backup"));
                } catch (RuntimeException e) {
                    failed.set(e);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            backup.join();
            if (failed.get() != null) {
                throw new AssertionError("the snapshot failed", failed.get());
            }
            assertEquals(Boolean.TRUE, stillInterrupted.get(), "the caller's interrupt is kept for it");
            sink.accept(record(100, 2, "/srv/after"));
            awaitSearchable(s, "/srv/after");
            s.checkpointNow();
        }
        try (EventStore copy = EventStore.open(dir.resolve("backup"), config(), new Metrics(), clock)) {
            assertEquals(1, copy.search(q("path:\"/srv/before\"")).hits().size(), "the snapshot holds the commit");
        }
    }
}
