package dev.telltale.ingest;

import dev.telltale.protocol.Compression;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When storage lags, connections stop being read; memory stays bounded and nothing is lost. */
class BackpressureTest {
    static final long HIGH = 256 * 1024;
    static final String CONFIG = """
            telltale:
              journal:
                queue-high-bytes: 262144
                queue-low-bytes: 131072
              store:
                queue-records: 1
                index-threads: 1
                ram-buffer-mb: 16
            """;

    @TempDir
    Path data;

    @Test
    void aLaggingStoreSlowsAgentsDownInsteadOfBufferingWithoutBound() throws Exception {
        try (RunningAppliance app = RunningAppliance.start(data, CONFIG)) {
            String token = app.runToken(Optional.empty()).token();
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong peak = new AtomicLong();
            CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
                while (!done.get()) {
                    try {
                        String m = app.get("/metrics", null).body();
                        m.lines().filter(l -> l.startsWith("telltale_journal_queue_bytes "))
                                .forEach(l -> peak.accumulateAndGet((long) Double.parseDouble(l.split(" ")[1]), Math::max));
                        Thread.sleep(5);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            List<CompletableFuture<Long>> agents = new ArrayList<>();
            for (int a = 0; a < 4; a++) {
                agents.add(CompletableFuture.supplyAsync(() -> blast(app, token)));
            }
            long total = 0;
            for (CompletableFuture<Long> f : agents) {
                total += f.get(120, TimeUnit.SECONDS);
            }
            done.set(true);
            sampler.get(10, TimeUnit.SECONDS);
            assertEquals(4 * 60 * 500, total, "every event acknowledged");
            assertTrue(peak.get() >= HIGH / 2, "the store lagged enough to fill the queue: " + peak.get());
            // Each connection may overshoot the watermark by the one batch that crossed it; nothing more.
            long batchWeight = dev.telltale.journal.JournalRecord.weightOf(500L * 120);
            System.out.println("backpressure: peak queued " + peak.get() + " bytes, bound " + (HIGH + 4 * batchWeight));
            assertTrue(peak.get() <= HIGH + 4 * batchWeight, "queued memory stayed bounded: " + peak.get());
            assertEquals(total, count(app), "every acknowledged event is searchable");
        }
    }

    private static long count(RunningAppliance app) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        long n;
        do {
            app.appliance().store().refreshNow();
            n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    app.get("/api/v1/events/facets?dims=type", app.apiToken()).body()).get("total").asLong();
        } while (n < 4 * 60 * 500 && System.currentTimeMillis() < deadline && pause());
        return n;
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }

    private static long blast(RunningAppliance app, String token) {
        try (AgentConnection conn = app.connect()) {
            conn.hello(RunningAppliance.hello(token, RunningAppliance.newInstance(), Compression.ZSTD));
            AtomicLong acked = new AtomicLong();
            Thread reader = new Thread(() -> {
                try {
                    while (acked.get() < 60 * 500) {
                        AgentConnection.Frame f = conn.read();
                        if (f.type() == FrameType.ACK) {
                            acked.set(f.ack().ackedSeq());
                        } else if (f.type() == FrameType.ERROR) {
                            throw new IllegalStateException(f.error().message());
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            reader.start();
            for (int b = 0; b < 60; b++) {
                List<Event> events = new ArrayList<>(500);
                for (int i = 0; i < 500; i++) {
                    events.add(IngestProtocolTest.file("/bp/" + b + "/" + i + "/with/a/longer/path/segment.dat"));
                }
                conn.sendRaw(conn.encoder().frame(1 + b * 500L, System.currentTimeMillis() * 1000, events));
            }
            reader.join(110_000);
            return acked.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
