package dev.telltale.store;

import dev.telltale.metrics.Metrics;
import dev.telltale.protocol.WireWriter;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Constructor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.telltale.store.LuceneEventStoreTest.BASE_US;
import static dev.telltale.store.LuceneEventStoreTest.SHOP;
import static dev.telltale.store.LuceneEventStoreTest.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A genuine index of the previous Lucene major (written by lucene-core 9 in its own class
 * loader, copied by the build into target/lucene-previous) opens through the backward codecs
 * and is rebuilt into the current major with full documents.
 */
class PreviousMajorReindexTest {
    private static final Path LUCENE_9 = Path.of("target/lucene-previous/lucene-core.jar");
    private static final int EVENTS = 400;

    @TempDir
    Path dir;

    @Test
    void aLucene9PartitionIsOpenedAndRebuiltIntoTheCurrentMajor() throws Exception {
        assertTrue(Files.isRegularFile(LUCENE_9), LUCENE_9 + " is copied by the build (maven-dependency-plugin)");
        long nowMs = BASE_US / 1000;
        long hour = Math.floorDiv(nowMs, 3_600_000L) * 3_600_000L;
        Path part = dir.resolve(DateTimeFormatter.ofPattern("'p-'yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli(hour)));
        writeWithLucene9(part, nowMs);

        Clock clock = Clock.fixed(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC);
        try (LuceneEventStore s = (LuceneEventStore) EventStore.open(dir, LuceneEventStoreTest.config(), new Metrics(), clock)) {
            IndexFormat before = s.partitions().values().iterator().next().format();
            assertEquals(9, before.createdMajor());
            assertTrue(before.needsReindex());
            assertEquals(EVENTS, s.search(q("")).total(), "readable through the backward codecs");
            assertEquals(0, s.search(q("app:shop")).total(), "the old documents lack today's fields");

            s.start(p -> { });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (s.reindexStatus().running()) {
                assertTrue(System.nanoTime() < deadline, "rebuild in time");
                Thread.sleep(20);
            }
            assertEquals(Optional.empty(), s.reindexStatus().lastError());
            assertEquals(Version.LATEST.major, s.partitions().values().iterator().next().format().createdMajor());
            assertEquals(EVENTS, s.search(q("app:shop")).total(), "rebuilt with full documents");
            assertEquals(EVENTS / 2, s.search(q("path:/data/odd/*")).total());
            List<EventHit> hits = s.search(new EventQuery("", 0, Long.MAX_VALUE, 3, Optional.empty(), Scope.everything())).hits();
            assertEquals(List.of((long) EVENTS, EVENTS - 1L, EVENTS - 2L), hits.stream().map(EventHit::uid).toList(),
                    "newest first, as before");
        }
        try (FSDirectory d = FSDirectory.open(part)) {
            IndexFormat after = IndexFormat.read(d);
            assertEquals(Version.LATEST.major, after.createdMajor());
            assertEquals(DocBuilder.LAYOUT, after.layout());
        }
    }

    private static EventQuery q(String text) {
        return new EventQuery(text, 0, Long.MAX_VALUE, 10, Optional.empty(), Scope.everything());
    }

    /**
     * Documents as a store on Lucene 9 would have held them, reduced to what the rebuild and
     * the time-sorted search need: time (point and doc values), unique id and the stored event.
     */
    private static void writeWithLucene9(Path part, long receivedMs) throws Exception {
        try (URLClassLoader cl = new URLClassLoader(new URL[]{LUCENE_9.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> directory = cl.loadClass("org.apache.lucene.store.Directory");
            Object dir = cl.loadClass("org.apache.lucene.store.NIOFSDirectory").getConstructor(Path.class).newInstance(part);
            Class<?> configClass = cl.loadClass("org.apache.lucene.index.IndexWriterConfig");
            Object config = configClass.getConstructor().newInstance();
            Class<?> writerClass = cl.loadClass("org.apache.lucene.index.IndexWriter");
            Object writer = writerClass.getConstructor(directory, configClass).newInstance(dir, config);
            Class<?> documentClass = cl.loadClass("org.apache.lucene.document.Document");
            Class<?> fieldClass = cl.loadClass("org.apache.lucene.index.IndexableField");
            Constructor<?> longPoint = cl.loadClass("org.apache.lucene.document.LongPoint").getConstructor(String.class, long[].class);
            Constructor<?> numeric = cl.loadClass("org.apache.lucene.document.NumericDocValuesField")
                    .getConstructor(String.class, long.class);
            Constructor<?> stored = cl.loadClass("org.apache.lucene.document.StoredField").getConstructor(String.class, byte[].class);
            var add = documentClass.getMethod("add", fieldClass);
            var addDocument = writerClass.getMethod("addDocument", Iterable.class);
            WireWriter w = new WireWriter(256);
            for (int i = 1; i <= EVENTS; i++) {
                Event e = file("open", (i % 2 == 1 ? "/data/odd/" : "/data/even/") + i, i);
                long ts = BASE_US + i;
                w.reset();
                StoredEvent.encode(w, i, i, ts, receivedMs, SHOP, EventCodec.encode(e));
                Object doc = documentClass.getConstructor().newInstance();
                add.invoke(doc, longPoint.newInstance(Fields.TS, new long[]{ts}));
                add.invoke(doc, numeric.newInstance(Fields.TS, ts));
                add.invoke(doc, numeric.newInstance(Fields.UID, (long) i));
                add.invoke(doc, stored.newInstance(Fields.SOURCE, w.toByteArray()));
                addDocument.invoke(writer, doc);
            }
            writerClass.getMethod("setLiveCommitData", Iterable.class)
                    .invoke(writer, Map.of(Partition.POSITION, "0").entrySet());
            writerClass.getMethod("commit").invoke(writer);
            writerClass.getMethod("close").invoke(writer);
            directory.getMethod("close").invoke(dir);
        }
    }
}
