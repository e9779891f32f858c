package dev.telltale.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.testing.RunningAppliance;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The appliance around the store's format check: an older partition is rebuilt while health
 * stays up and reports progress; an unreadable one is set aside and named in health details.
 */
class ApplianceReindexTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 300;

    @TempDir
    Path data;

    @Test
    void healthStaysUpThroughARebuildAndNamesAnUnreadablePartition() throws Exception {
        try (RunningAppliance app = RunningAppliance.start(data, "")) {
            String token = app.runToken(Optional.empty()).token();
            try (AgentConnection conn = app.connect()) {
                conn.hello(RunningAppliance.hello(token, "reindex-agent", Compression.ZSTD));
                List<Event> events = new ArrayList<>();
                long base = System.currentTimeMillis() * 1000 - 60_000_000;
                for (int i = 0; i < EVENTS; i++) {
                    Event e = Event.of(EventType.FILE, i * 1000L, 10, 10);
                    e.body().set("op", "open").set("path", "/srv/data/file-" + i);
                    events.add(e);
                }
                conn.sendRaw(conn.encoder().frame(1, base, events));
                conn.awaitAck(EVENTS);
            }
            assertEquals(EVENTS, app.awaitSearch("path:/srv/data/*", EVENTS).get("events").size());
        }
        Path part = partition();
        olderLayout(part);

        try (RunningAppliance app = RunningAppliance.start(data, "")) {
            JsonNode lucene = null;
            long deadline = System.currentTimeMillis() + 30_000;
            do {
                JsonNode h = health(app);
                assertEquals("UP", h.get("status").asText(), "health stays up while rebuilding");
                lucene = h.get("checks").get("lucene");
                if (!lucene.get("reindex").get("running").asBoolean()) {
                    break;
                }
                Thread.sleep(50);
            } while (System.currentTimeMillis() < deadline);
            JsonNode reindex = lucene.get("reindex");
            assertEquals(1, reindex.get("partitions_done").asInt(), lucene.toString());
            assertEquals(EVENTS, reindex.get("documents_total").asInt(), lucene.toString());
            assertEquals(100, reindex.get("percent").asInt(), lucene.toString());
            String metrics = app.get("/metrics", null).body();
            assertTrue(metrics.contains("\ntelltale_store_reindex_documents_total " + EVENTS), metrics);
            assertTrue(metrics.contains("\ntelltale_store_reindex_partitions_pending 0"), metrics);
            assertEquals(EVENTS, app.search("path:/srv/data/*").get("events").size(), "all events after the rebuild");
        }

        try (Stream<Path> files = Files.list(part)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("segments_")).toList()) {
                Files.write(f, new byte[64]);
            }
        }
        try (RunningAppliance app = RunningAppliance.start(data, "")) {
            JsonNode h = health(app);
            assertEquals("UP", h.get("status").asText());
            JsonNode lucene = h.get("checks").get("lucene");
            assertEquals(part.getFileName() + LuceneEventStore.SET_ASIDE, lucene.get("unreadable_partitions").get(0).asText(),
                    lucene.toString());
            assertTrue(lucene.get("unreadable_note").asText().contains("missing from search"));
            // The journal may still hold the last records (its active segment), which replay indexes again
            // into a new partition of the same window; never twice.
            JsonNode found = app.search("path:/srv/data/*").get("events");
            java.util.Set<String> ids = new java.util.HashSet<>();
            found.forEach(e -> ids.add(e.get("id").asText()));
            assertEquals(found.size(), ids.size(), "no event twice");
            assertTrue(found.size() <= EVENTS);
        }
    }

    private JsonNode health(RunningAppliance app) throws Exception {
        var r = app.get("/api/health", null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private Path partition() throws Exception {
        try (Stream<Path> s = Files.list(data.resolve("events"))) {
            List<Path> parts = s.filter(p -> p.getFileName().toString().matches("p-\\d{8}T\\d{6}Z")).toList();
            assertEquals(1, parts.size(), parts.toString());
            return parts.get(0);
        }
    }

    private static void olderLayout(Path partition) throws Exception {
        try (FSDirectory d = FSDirectory.open(partition);
             IndexWriter w = new IndexWriter(d, WriterSettings.create(16))) {
            Map<String, String> userData = new HashMap<>(SegmentInfos.readLatestCommit(d).getUserData());
            userData.put(IndexFormat.LAYOUT_KEY, "0");
            w.setLiveCommitData(userData.entrySet());
            w.commit();
        }
    }
}
