package dev.telltale.store;

import dev.telltale.journal.AgentContext;
import dev.telltale.journal.JournalRecord;
import dev.telltale.journal.RecordSink;
import dev.telltale.metrics.Metrics;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;
import dev.telltale.protocol.event.Schemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LuceneEventStoreTest {
    static final long BASE_US = 1_780_000_000_000_000L;
    static final AgentContext SHOP = new AgentContext(1, "a1", 1, "default", "shop", "checkout", "1.4.2", "host-a");
    static final AgentContext BANK = new AgentContext(2, "a2", 2, "payments", "bank", "ledger", "2.0", "host-b");

    @TempDir
    Path dir;

    private long position;
    private long uid = 1;

    static StoreConfig config() {
        return new StoreConfig(Duration.ofHours(1), Duration.ofDays(2), 0, Duration.ofMillis(50), Duration.ofMinutes(10),
                32, 2, 64, 8L << 20);
    }

    JournalRecord record(AgentContext ctx, long firstSeq, long receivedMs, Event... events) {
        JournalRecord r = JournalRecord.of(position, position + 100, ctx, firstSeq, firstSeq + events.length - 1, uid,
                BASE_US, receivedMs, events);
        position += 100;
        uid += events.length;
        return r;
    }

    static Event file(String op, String path, long dtUs) {
        Event e = Event.of(EventType.FILE, dtUs, 4242, 4243);
        e.body().set("op", op).set("path", path).set("flags", 0L);
        e.stack().add(new Msg(Schemas.STACK_FRAME).set("stack.module", "/usr/lib/libc.so.6").set("stack.offset", 10L));
        return e;
    }

    static Event connect(String raddr, long rport, long dtUs) {
        Event e = Event.of(EventType.NETWORK, dtUs, 4242, 4243);
        e.body().set("op", "connect").set("family", "inet").set("raddr", raddr).set("rport", rport);
        return e;
    }

    static EventQuery q(String text) {
        return new EventQuery(text, 0, Long.MAX_VALUE, 100, Optional.empty(), Scope.everything());
    }

    /** Refreshes and searches until the one event with {@code path} is found (indexers run on their own threads). */
    static void awaitSearchable(EventStore s, String path) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            s.refreshNow();
            if (s.search(q("path:\"" + path + "\"")).hits().size() == 1) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(path + " not searchable within 10 s");
    }

    private EventStore open(Clock clock) {
        EventStore s = EventStore.open(dir, config(), new Metrics(), clock);
        return s;
    }

    @Test
    void findsEventsByFieldsTextAndRangesNewestFirst() {
        long now = BASE_US / 1000;
        try (EventStore s = open(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))) {
            s.replay(record(SHOP, 1, now, file("open", "/etc/shadow", 10), file("unlink", "/tmp/x.log", 20),
                    connect("10.0.0.7", 5432, 30)));
            s.replay(record(BANK, 1, now, connect("192.168.1.9", 443, 40)));
            s.refreshNow();
            assertEquals(4, s.search(q("")).hits().size());
            assertEquals(List.of("/etc/shadow"), paths(s.search(q("path:/etc/shadow"))));
            assertEquals(List.of("/etc/shadow"), paths(s.search(q("shadow"))));
            assertEquals(List.of("/tmp/x.log"), paths(s.search(q("path:/tmp/*"))));
            assertEquals(2, s.search(q("type:network")).hits().size());
            assertEquals(1, s.search(q("rport:[1 TO 1023]")).hits().size());
            assertEquals(1, s.search(q("rport:5432 AND app:shop")).hits().size());
            assertEquals(3, s.search(q("pid:4242 AND host:host-a")).hits().size());
            assertEquals(3, s.search(q("stack.module:\"/usr/lib/libc.so.6\" OR raddr:10.0.0.7")).hits().size());
            List<EventHit> all = s.search(q("")).hits();
            assertEquals("bank", all.get(0).context().application(), "newest first");
            assertEquals(BASE_US + 40, all.get(0).tsUs());
            assertEquals("1-2", s.search(q("op:unlink")).hits().get(0).id());
        }
    }

    private static List<String> paths(SearchPage p) {
        return p.hits().stream().map(h -> h.event().body().string("path").orElse("")).toList();
    }

    @Test
    void scopeHidesOtherTeams() {
        long now = BASE_US / 1000;
        try (EventStore s = open(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))) {
            s.replay(record(SHOP, 1, now, file("open", "/a", 1)));
            s.replay(record(BANK, 1, now, file("open", "/b", 2)));
            s.refreshNow();
            SearchPage p = s.search(new EventQuery("", 0, Long.MAX_VALUE, 10, Optional.empty(), Scope.teams(Set.of(2L))));
            assertEquals(List.of("/b"), paths(p));
            assertEquals(0, s.search(new EventQuery("path:/a", 0, Long.MAX_VALUE, 10, Optional.empty(),
                    Scope.teams(Set.of(2L)))).hits().size());
        }
    }

    @Test
    void pagesAreStableWhileNewEventsArrive() {
        long now = BASE_US / 1000;
        try (EventStore s = open(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                batch.add(file("open", "/data/" + i, i));
            }
            s.replay(record(SHOP, 1, now, batch.toArray(new Event[0])));
            s.refreshNow();
            EventQuery first = new EventQuery("", 0, Long.MAX_VALUE, 10, Optional.empty(), Scope.everything());
            SearchPage p1 = s.search(first);
            s.replay(record(SHOP, 26, now, file("open", "/data/new", 1000)));
            s.refreshNow();
            List<String> seen = new ArrayList<>(paths(p1));
            Optional<Cursor> next = p1.next();
            while (next.isPresent()) {
                SearchPage p = s.search(new EventQuery("", 0, Long.MAX_VALUE, 10, next, Scope.everything()));
                seen.addAll(paths(p));
                next = p.next();
            }
            assertEquals(25, seen.size());
            assertEquals(25, Set.copyOf(seen).size(), "no hit twice, none skipped");
            assertEquals("/data/24", seen.get(0));
            assertEquals("/data/0", seen.get(24));
        }
    }

    @Test
    void timeRangeFacetsAndHistogram() {
        long now = BASE_US / 1000;
        try (EventStore s = open(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))) {
            s.replay(record(SHOP, 1, now, file("open", "/a", 0), file("open", "/b", 1_000_000), connect("1.1.1.1", 53, 2_000_000)));
            s.replay(record(BANK, 1, now, connect("1.1.1.1", 53, 3_000_000)));
            s.refreshNow();
            EventQuery window = new EventQuery("", BASE_US + 500_000, BASE_US + 2_500_000, 100, Optional.empty(), Scope.everything());
            assertEquals(2, s.search(window).hits().size());
            FacetResult f = s.facets(q(""), List.of("type", "app"), 10);
            assertEquals(4, f.total());
            assertEquals(new FacetResult.Count("file", 2), f.dimensions().get("type").get(0));
            assertTrue(f.dimensions().get("app").contains(new FacetResult.Count("bank", 1)));
            Histogram h = s.histogram(q(""), 4);
            assertEquals(4, h.total());
            assertEquals(4, h.counts().stream().mapToLong(Long::longValue).sum());
            assertTrue(h.intervalUs() >= 750_000, "interval " + h.intervalUs());
            assertThrows(BadQueryException.class, () -> s.facets(q(""), List.of("path"), 10));
        }
    }

    @Test
    void aBadQueryNamesTheProblem() {
        try (EventStore s = open(Clock.systemUTC())) {
            BadQueryException e = assertThrows(BadQueryException.class, () -> s.search(q("path:(unclosed")));
            assertTrue(e.getMessage().startsWith("cannot parse query"), e.getMessage());
        }
    }

    @Test
    void replayAfterACommitNeverIndexesTwice() throws Exception {
        long now = BASE_US / 1000;
        Clock clock = Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC);
        JournalRecord r1 = record(SHOP, 1, now, file("open", "/one", 1));
        JournalRecord r2 = record(SHOP, 2, now, file("open", "/two", 2));
        EventStore crashed = open(clock);
        crashed.replay(r1);
        ((LuceneEventStore) crashed).checkpointNow();
        crashed.replay(r2);
        ((LuceneEventStore) crashed).crash();
        try (EventStore s = open(clock)) {
            assertEquals(r2.position(), s.checkpoint(), "checkpoint covers r1 only");
            s.replay(r1);
            s.replay(r2);
            s.refreshNow();
            assertEquals(List.of("/two", "/one"), paths(s.search(q(""))));
        }
    }

    @Test
    void retentionDropsWholeOldPartitions() throws Exception {
        long old = BASE_US / 1000 - Duration.ofDays(3).toMillis();
        long now = BASE_US / 1000;
        try (EventStore s = open(Clock.fixed(Instant.ofEpochMilli(old), ZoneOffset.UTC))) {
            s.replay(record(SHOP, 1, old, file("open", "/old", 1)));
            ((LuceneEventStore) s).checkpointNow();
        }
        try (EventStore s = open(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))) {
            s.replay(record(SHOP, 2, now, file("open", "/new", 2)));
            assertEquals(2, s.partitionCount());
            ((LuceneEventStore) s).applyRetention();
            s.refreshNow();
            assertEquals(1, s.partitionCount());
            assertEquals(List.of("/new"), paths(s.search(q(""))));
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().equals("p-" + "old")));
        }
    }

    @TempDir
    Path snapshots;

    @Test
    void aSnapshotIsTheLatestCommitAndSurvivesLaterCommits() throws Exception {
        long hour = Duration.ofHours(1).toMillis();
        long now = BASE_US / 1000;
        Clock clock = Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC);
        Path snap = snapshots.resolve("events");
        try (EventStore s = open(clock)) {
            s.replay(record(SHOP, 1, now - hour, file("open", "/before-1", 1)));
            s.replay(record(SHOP, 2, now, file("open", "/before-2", 2)));
            s.start(p -> { });
            s.snapshot(snap);
            // Later commits and merges must not disturb the snapshot's files.
            for (int i = 0; i < 20; i++) {
                s.replay(record(SHOP, 3 + i, now, file("open", "/after-" + i, 3)));
                ((LuceneEventStore) s).checkpointNow();
            }
        }
        try (EventStore restored = EventStore.open(snap, config(), new Metrics(), clock)) {
            assertEquals(200, restored.checkpoint(), "the checkpoint file came along with its commits");
            restored.refreshNow();
            assertEquals(List.of("/before-1", "/before-2"), paths(restored.search(q(""))).stream().sorted().toList());
        }
    }

    @Test
    void aDiskBudgetDropsTheOldestPartitionsFirst() throws Exception {
        long hour = Duration.ofHours(1).toMillis();
        long now = BASE_US / 1000;
        StoreConfig budget = new StoreConfig(Duration.ofHours(1), Duration.ofDays(2), 1, Duration.ofMillis(50),
                Duration.ofMinutes(10), 32, 1, 64, 8L << 20);
        try (EventStore s = EventStore.open(dir, budget, new Metrics(), Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))) {
            for (int h = 3; h >= 0; h--) {
                s.replay(record(SHOP, 10 - h, now - h * hour, file("open", "/hour-" + h, 1)));
            }
            ((LuceneEventStore) s).checkpointNow();
            assertEquals(4, s.partitionCount());
            ((LuceneEventStore) s).applyRetention();
            s.refreshNow();
            assertEquals(1, s.partitionCount(), "only the current partition survives a budget of one byte");
            assertEquals(List.of("/hour-0"), paths(s.search(q(""))));
        }
    }

    @Test
    void processStartsWithAUidFieldIndexBesideOtherEvents() {
        long now = BASE_US / 1000;
        try (EventStore s = open(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))) {
            Event start = Event.of(EventType.PROCESS_START, 0, 1, 1);
            start.body().set("hostname", "h").set("exe", "/usr/sbin/nginx").set("uid", 0L).set("gid", 0L);
            s.replay(record(SHOP, 1, now, start, file("open", "/etc/nginx/nginx.conf", 1)));
            s.replay(record(SHOP, 3, now, file("open", "/var/log/nginx/access.log", 2)));
            s.refreshNow();
            assertEquals(3, s.search(q("")).hits().size());
            assertEquals(1, s.search(q("uid:0")).hits().size(), "the event field uid is not the store's own id");
        }
    }

    @Test
    void anEventLuceneRefusesIsKeptByItsContext() {
        long now = BASE_US / 1000;
        try (EventStore s = open(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))) {
            // Over Lucene's 32766-byte term limit; the protocol's own limits never allow it, the store copes anyway.
            String immense = "/" + "x".repeat(40_000);
            s.replay(record(SHOP, 1, now, file("open", "/ok/before", 1), file("open", immense, 2), file("open", "/ok/after", 3)));
            s.refreshNow();
            assertEquals(List.of("/ok/after", immense, "/ok/before"), paths(s.search(q(""))));
            assertEquals(1, s.search(q("_index_error:true")).hits().size());
            assertEquals(1, s.search(q("path:/ok/after")).hits().size());
        }
    }

    @Test
    void recordsCommittedAfterTheirCheckpointPositionAreNotIndexedTwice() throws Exception {
        long now = BASE_US / 1000;
        Clock clock = Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC);
        JournalRecord r1 = record(SHOP, 1, now, file("open", "/one", 1));
        JournalRecord r2 = record(SHOP, 2, now, file("open", "/two", 2), file("open", "/three", 3));
        EventStore crashed = open(clock);
        crashed.replay(r1);
        crashed.replay(r2);
        // A commit that raced with indexing holds r2 but only vouches for what precedes r1's end.
        ((LuceneEventStore) crashed).checkpointAt(r1.end());
        ((LuceneEventStore) crashed).crash();
        try (EventStore s = open(clock)) {
            assertEquals(r1.end(), s.checkpoint());
            s.replay(r2);
            s.refreshNow();
            assertEquals(List.of("/three", "/two", "/one"), paths(s.search(q(""))));
        }
    }

    @Test
    void aSearchSeesWhatWasIndexedMoreThanARefreshIntervalAgoWithoutAnyoneRefreshing() throws Exception {
        long now = BASE_US / 1000;
        try (EventStore s = open(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))) {
            s.search(q(""));
            s.replay(record(SHOP, 1, now, file("open", "/fresh", 1)));
            Thread.sleep(config().refreshInterval().toMillis() + 20);
            assertEquals(List.of("/fresh"), paths(s.search(q(""))));
        }
    }

    /**
     * While searches keep coming, a reader is refreshed about once per interval: a search that
     * finds it one interval old refreshes it, and the schedule then leaves it alone instead of
     * flushing another small segment right after (each refresh is a segment for merges to rewrite).
     */
    @Test
    void searchesAndTheScheduleTogetherRefreshAboutOncePerInterval() throws Exception {
        Metrics metrics = new Metrics();
        long now = BASE_US / 1000;
        try (EventStore s = EventStore.open(dir, config(), metrics, Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))) {
            RecordSink sink = s.start(p -> { });
            long seconds = 3;
            long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            Thread searcher = Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < until) {
                    s.search(q(""));
                }
            });
            for (int n = 0; System.nanoTime() < until; n++) {
                sink.accept(record(SHOP, 1 + n, now, file("open", "/f" + n, 1)));
                Thread.sleep(1);
            }
            searcher.join();
            double refreshes = count(metrics, "telltale_store_refresh_seconds_count")
                    + count(metrics, "telltale_store_search_refresh_seconds_count");
            long intervals = Duration.ofSeconds(seconds).toMillis() / config().refreshInterval().toMillis();
            System.out.printf("store refresh test: %.0f refreshes in %d intervals%n", refreshes, intervals);
            assertTrue(refreshes <= intervals * 1.25, refreshes + " refreshes in " + intervals + " intervals");
            assertTrue(refreshes >= intervals / 4, "still refreshing while searched: " + refreshes);
        }
    }

    /**
     * Closing lets a refresh in progress finish: interrupting it in the middle of Lucene's I/O
     * closed the write lock's channel, and the writer could then neither commit nor close.
     */
    @Test
    void closingWhileTheScheduleRefreshesCommitsEverything() throws Exception {
        long now = BASE_US / 1000;
        Clock clock = Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC);
        StoreConfig busy = new StoreConfig(Duration.ofHours(1), Duration.ofDays(2), 0, Duration.ofMillis(1),
                Duration.ofMinutes(10), 32, 2, 64, 8L << 20);
        int rounds = 15;
        for (int round = 0; round < rounds; round++) {
            EventStore s = EventStore.open(dir, busy, new Metrics(), clock);
            RecordSink sink = s.start(p -> { });
            s.search(q(""));
            for (int i = 0; i < 300; i++) {
                sink.accept(record(SHOP, uid, now, file("open", "/r" + round + "/" + i, 1)));
            }
            s.close();
        }
        try (EventStore s = EventStore.open(dir, busy, new Metrics(), clock)) {
            s.refreshNow();
            for (int round = 0; round < rounds; round++) {
                SearchPage p = s.search(q("path:/r" + round + "/*"));
                assertTrue(p.totalExact());
                assertEquals(300, p.total(), "events of round " + round);
            }
        }
    }

    /**
     * A refresh-sized segment costs a commit three fsyncs (compound file, its entries, segment
     * info) plus the commit point, not one per codec file (17): each is a device flush the
     * journal's acknowledgements wait behind (decision 38). Operators see the count at /metrics.
     */
    @Test
    void aCommitOfOneRefreshedSegmentFsyncsFourFiles() throws Exception {
        Metrics metrics = new Metrics();
        long now = BASE_US / 1000;
        try (EventStore s = EventStore.open(dir, config(), metrics, Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))) {
            JournalRecord r = record(SHOP, 1, now, file("open", "/etc/shadow", 1), connect("10.0.0.7", 5432, 2));
            s.replay(r);
            s.refreshNow();
            double before = count(metrics, "telltale_store_commit_fsynced_files");
            ((LuceneEventStore) s).checkpointAt(r.end());
            assertEquals(4, count(metrics, "telltale_store_commit_fsynced_files") - before,
                    () -> "files fsynced by the commit; index now holds " + files(dir));
        }
    }

    private static List<String> files(Path root) {
        try (var walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        } catch (java.io.IOException e) {
            return List.of(e.toString());
        }
    }

    private static double count(Metrics metrics, String name) {
        return metrics.scrape().lines().filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1))).sum();
    }
}
