package dev.telltale.store;

import dev.telltale.journal.AgentContext;
import dev.telltale.journal.JournalRecord;
import dev.telltale.journal.RecordSink;
import dev.telltale.metrics.Metrics;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.telltale.store.LuceneEventStoreTest.BANK;
import static dev.telltale.store.LuceneEventStoreTest.BASE_US;
import static dev.telltale.store.LuceneEventStoreTest.SHOP;
import static dev.telltale.store.LuceneEventStoreTest.connect;
import static dev.telltale.store.LuceneEventStoreTest.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Format check at open and the background rebuild of partitions, on real Lucene directories. */
class ReindexTest {
    private static final long NOW_MS = BASE_US / 1000;
    private static final int EVENTS = 1500;
    /** Queries whose answers must not change through a rebuild (the events added meanwhile are the bank's). */
    private static final List<String> QUERIES = List.of("app:shop", "path:/data/3*", "type:network",
            "rport:[1 TO 1023]", "stack.module:\"/usr/lib/libc.so.6\" AND app:shop", "data", "pid:4242 AND host:host-a");

    @TempDir
    Path dir;

    private long position;
    private long uid = 1;
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW_MS), ZoneOffset.UTC);

    private JournalRecord record(AgentContext ctx, long firstSeq, long receivedMs, Event... events) {
        JournalRecord r = JournalRecord.of(position, position + 100, ctx, firstSeq, firstSeq + events.length - 1, uid,
                BASE_US, receivedMs, events);
        position += 100;
        uid += events.length;
        return r;
    }

    private LuceneEventStore open() {
        return open(clock);
    }

    private LuceneEventStore open(Clock c) {
        return (LuceneEventStore) EventStore.open(dir, LuceneEventStoreTest.config(), new Metrics(), c);
    }

    /** The shop's events in one partition, committed by the real store. */
    private void writeShop() {
        try (EventStore s = open()) {
            long seq = 1;
            for (int b = 0; b < EVENTS / 100; b++) {
                List<Event> batch = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    int n = b * 100 + i;
                    batch.add(n % 10 == 0 ? connect("10.0.0." + (n % 250), n % 2000, n) : file("open", "/data/" + n, n));
                }
                s.replay(record(SHOP, seq, NOW_MS, batch.toArray(new Event[0])));
                seq += 100;
            }
        }
    }

    private Path onlyPartition() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> parts = s.filter(p -> p.getFileName().toString().matches("p-\\d{8}T\\d{6}Z")).toList();
            assertEquals(1, parts.size(), "one partition: " + parts);
            return parts.get(0);
        }
    }

    /** Rewrites the latest commit's user data as an older version (or none) would have written it. */
    private static void rewriteUserData(Path partition, String layout) throws Exception {
        try (FSDirectory d = FSDirectory.open(partition);
             IndexWriter w = new IndexWriter(d, WriterSettings.create(16))) {
            Map<String, String> data = new HashMap<>(SegmentInfos.readLatestCommit(d).getUserData());
            if (layout == null) {
                data.remove(IndexFormat.LAYOUT_KEY);
            } else {
                data.put(IndexFormat.LAYOUT_KEY, layout);
            }
            w.setLiveCommitData(data.entrySet());
            w.commit();
        }
    }

    private static Map<String, String> userData(Path partition) throws Exception {
        try (FSDirectory d = FSDirectory.open(partition)) {
            return SegmentInfos.readLatestCommit(d).getUserData();
        }
    }

    /** Every hit of each query, in order, with every stored field, plus facets and a histogram's total. */
    private static List<String> answers(EventStore s, List<String> queries) {
        List<String> out = new ArrayList<>();
        for (String text : queries) {
            Optional<Cursor> after = Optional.empty();
            do {
                SearchPage p = s.search(new EventQuery(text, 0, Long.MAX_VALUE, 1000, after, Scope.everything()));
                for (EventHit h : p.hits()) {
                    out.add(text + " " + h.id() + " " + h.uid() + " " + h.tsUs() + " " + h.receivedMs() + " " + h.context()
                            + " " + HexFormat.of().formatHex(EventCodec.encode(h.event())));
                }
                after = p.next();
            } while (after.isPresent());
            EventQuery all = new EventQuery(text, BASE_US, BASE_US + EVENTS, 10, Optional.empty(), Scope.everything());
            out.add(text + " facets " + s.facets(all, List.of("type", "app", "host"), 10));
            // Buckets follow the time range the partitions hold, which new events widen: compare the total.
            out.add(text + " histogram " + s.histogram(all, 15).total());
        }
        return out;
    }

    private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private static Set<String> leftovers(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".reindex") || n.endsWith(".old"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void aPartitionOfAnOlderLayoutIsRebuiltWhileSearchAndIngestGoOn() throws Exception {
        writeShop();
        Path part = onlyPartition();
        String position = userData(part).get(Partition.POSITION);
        rewriteUserData(part, "0");

        List<String> before;
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AtomicInteger batches = new AtomicInteger();
        try (LuceneEventStore s = open()) {
            ReindexStatus queued = s.reindexStatus();
            assertEquals(1, queued.partitionsPending());
            assertEquals(0, queued.documentsDone());
            assertEquals(EVENTS, queued.documentsTotal());
            assertEquals(0, queued.percent());
            before = answers(s, QUERIES);
            assertEquals(EVENTS, s.search(new EventQuery("app:shop", 0, Long.MAX_VALUE, 1, Optional.empty(),
                    Scope.everything())).total());

            s.reindexer().beforeBatch = () -> {
                if (batches.incrementAndGet() == 3) {
                    paused.countDown();
                    try {
                        assertTrue(resume.await(30, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            RecordSink sink = s.start(p -> { });
            assertTrue(paused.await(30, TimeUnit.SECONDS));

            ReindexStatus during = s.reindexStatus();
            assertTrue(during.running());
            assertEquals(Optional.of(part.getFileName().toString()), during.currentPartition());
            assertEquals(2L * Reindexer.BATCH, during.documentsDone());
            assertTrue(during.percent() > 0 && during.percent() < 100, "percent " + during.percent());
            assertTrue(during.started().isPresent());
            assertTrue(Files.isDirectory(part.resolveSibling(part.getFileName() + ".reindex")));
            assertSame(before, answers(s, QUERIES), "searches answer the same during the rebuild");

            // Events arriving for the partition being rebuilt, after its snapshot.
            long seq = 1;
            for (int b = 0; b < 5; b++) {
                List<Event> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    batch.add(file("write", "/ledger/" + (b * 20 + i), 5000 + b * 20 + i));
                }
                sink.accept(record(BANK, seq, NOW_MS, batch.toArray(new Event[0])));
                seq += 20;
            }
            await("the bank's events indexed", () -> {
                s.refreshNow();
                return s.search(new EventQuery("app:bank", 0, Long.MAX_VALUE, 1, Optional.empty(), Scope.everything()))
                        .total() == 100;
            });
            resume.countDown();
            await("the rebuild", () -> !s.reindexStatus().running());

            ReindexStatus done = s.reindexStatus();
            assertEquals(Optional.empty(), done.lastError());
            assertEquals(1, done.partitionsDone());
            assertEquals(0, done.partitionsPending());
            assertEquals(EVENTS, done.documentsDone());
            assertEquals(100, done.percent());
            assertEquals(Optional.empty(), done.currentPartition());
            assertEquals(Set.of(), leftovers(dir));
            assertSame(before, answers(s, QUERIES), "searches answer the same after the rebuild");
            assertBankOnce(s, 100);
            assertEquals(Integer.toString(DocBuilder.LAYOUT), userData(part).get(IndexFormat.LAYOUT_KEY));
            assertEquals(position, userData(part).get(Partition.POSITION), "the journal position is kept");

            // Ingest into the rebuilt partition goes on.
            sink.accept(record(BANK, 101, NOW_MS, file("write", "/ledger/after", 9000)));
            await("an event after the swap", () -> {
                s.refreshNow();
                return s.search(new EventQuery("path:\"/ledger/after\"", 0, Long.MAX_VALUE, 1, Optional.empty(),
                        Scope.everything())).total() == 1;
            });
        }
        try (LuceneEventStore s = open()) {
            assertFalse(s.reindexStatus().running(), "nothing left to rebuild");
            assertSame(before, answers(s, QUERIES), "and all of it after a restart");
            assertBankOnce(s, 101);
        }
    }

    /** Equal lists, reporting only the first difference (the lists are long). */
    private static void assertSame(List<String> expected, List<String> actual, String what) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), what + ": answer line " + i);
        }
        assertEquals(expected.size(), actual.size(), what + ": number of answer lines");
    }

    private static void assertBankOnce(EventStore s, int expected) {
        SearchPage bank = s.search(new EventQuery("app:bank AND path:/ledger/*", 0, Long.MAX_VALUE, 1000,
                Optional.empty(), Scope.everything()));
        List<String> ids = bank.hits().stream().map(EventHit::id).toList();
        assertEquals(expected, ids.size(), "every event ingested during the rebuild");
        assertEquals(expected, new HashSet<>(ids).size(), "each exactly once");
    }

    @Test
    void aRebuildInterruptedByACrashIsRedoneAtTheNextStart() throws Exception {
        writeShop();
        Path part = onlyPartition();
        rewriteUserData(part, "0");
        List<String> before;
        try (EventStore s = open()) {
            before = answers(s, QUERIES);
        }
        // The process died between the swap's two renames, with a half-written rebuild beside.
        Path old = part.resolveSibling(part.getFileName() + ".old");
        Path half = part.resolveSibling(part.getFileName() + ".reindex");
        Files.move(part, old);
        Files.createDirectories(half);
        try (Stream<Path> files = Files.list(old)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().startsWith("segments")) {
                    Files.copy(f, half.resolve(f.getFileName()));
                }
            }
        }
        Files.write(half.resolve("_9.fdt"), new byte[]{1, 2, 3});

        try (LuceneEventStore s = open()) {
            assertTrue(Files.isDirectory(part), "the old index is back in its place");
            assertFalse(Files.exists(half), "the half-written rebuild is not trusted");
            assertEquals(1, s.reindexStatus().partitionsPending(), "and the rebuild is redone");
            assertSame(before, answers(s, QUERIES), "the same answers");
            s.start(p -> { });
            await("the rebuild", () -> !s.reindexStatus().running());
            assertEquals(Optional.empty(), s.reindexStatus().lastError());
            assertEquals(1, s.reindexStatus().partitionsDone());
            assertSame(before, answers(s, QUERIES), "the same answers");
            assertEquals(Set.of(), leftovers(dir));
        }
    }

    @Test
    void retentionMayDropAPartitionWhileItIsRebuilt() throws Exception {
        writeShop();
        Path part = onlyPartition();
        rewriteUserData(part, "0");
        dev.telltale.testing.MutableClock later = new dev.telltale.testing.MutableClock(Instant.ofEpochMilli(NOW_MS));
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        try (LuceneEventStore s = open(later)) {
            s.reindexer().beforeBatch = () -> {
                if (paused.getCount() > 0) {
                    paused.countDown();
                    try {
                        assertTrue(resume.await(30, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            s.start(p -> { });
            assertTrue(paused.await(30, TimeUnit.SECONDS));
            later.advance(java.time.Duration.ofDays(3));
            s.applyRetention();
            assertFalse(Files.exists(part), "dropped by retention mid-rebuild");
            resume.countDown();
            await("the reindexer to move on", () -> !s.reindexStatus().running());
            ReindexStatus st = s.reindexStatus();
            assertEquals(Optional.empty(), st.lastError(), "a dropped partition is no failure");
            assertEquals(0, st.partitionsDone());
            assertEquals(0, s.partitionCount());
            assertEquals(Set.of(), leftovers(dir), "nothing left beside it");
        }
    }

    @Test
    void anUnreadablePartitionIsSetAsideAndTheStoreOpens() throws Exception {
        try (EventStore s = open()) {
            s.replay(record(SHOP, 1, NOW_MS - 3_600_000, file("open", "/old", 1)));
            s.replay(record(SHOP, 2, NOW_MS, file("open", "/new", 2)));
        }
        Path broken;
        try (Stream<Path> s = Files.list(dir)) {
            broken = s.filter(p -> p.getFileName().toString().startsWith("p-")).sorted().findFirst().orElseThrow();
        }
        try (Stream<Path> files = Files.list(broken)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("segments_")).toList()) {
                Files.write(f, "not a Lucene commit at all".getBytes());
            }
        }
        String setAside = broken.getFileName() + LuceneEventStore.SET_ASIDE;
        try (EventStore s = open()) {
            assertEquals(1, s.partitionCount());
            assertEquals(List.of(setAside), s.reindexStatus().setAside());
            assertTrue(Files.isDirectory(dir.resolve(setAside)), "set aside, not deleted");
            assertFalse(s.reindexStatus().running());
            s.start(p -> { });
            assertEquals(List.of("/new"), s.search(LuceneEventStoreTest.q("")).hits().stream()
                    .map(h -> h.event().body().string("path").orElse("")).toList());
        }
        try (EventStore s = open()) {
            assertEquals(List.of(setAside), s.reindexStatus().setAside(), "still reported after a restart");
        }
    }

    @Test
    void currentPartitionsAreNotRebuilt() throws Exception {
        writeShop();
        Path part = onlyPartition();
        assertEquals(Integer.toString(DocBuilder.LAYOUT), userData(part).get(IndexFormat.LAYOUT_KEY),
                "commits record the layout beside the journal position");
        assertTrue(userData(part).containsKey(Partition.POSITION));
        try (EventStore s = open()) {
            assertIdle(s);
        }
        // Written before layouts were recorded: layout 1, today's.
        rewriteUserData(part, null);
        try (EventStore s = open()) {
            assertIdle(s);
        }
    }

    private static void assertIdle(EventStore s) {
        s.start(p -> { });
        ReindexStatus st = s.reindexStatus();
        assertFalse(st.running());
        assertEquals(0, st.documentsTotal());
        assertEquals(100, st.percent());
        assertTrue(st.started().isEmpty(), "no rebuild started");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("telltale-store-reindex")));
    }
}
