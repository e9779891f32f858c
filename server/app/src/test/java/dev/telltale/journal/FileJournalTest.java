package dev.telltale.journal;

import dev.telltale.metrics.Metrics;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileJournalTest {
    static final AgentContext AGENT = new AgentContext(7, "agent-7", 1, "default", "shop", "checkout", "1.4.2", "host-a");

    @TempDir
    Path dir;

    static Submission.Batch batch(long first, int n, SessionCallback cb) {
        EventType[] types = new EventType[n];
        long[] dts = new long[n];
        byte[][] encoded = new byte[n][];
        for (int i = 0; i < n; i++) {
            Event e = Event.of(EventType.FILE, i, 100, 100);
            e.body().set("op", "open").set("path", "/tmp/f" + (first + i));
            types[i] = e.type();
            dts[i] = e.dtUs();
            encoded[i] = EventCodec.encode(e);
        }
        return new Submission.Batch(AGENT, first, 1_700_000_000_000_000L, types, dts, encoded, System.currentTimeMillis(),
                cb, 1000);
    }

    private Journal open(List<JournalRecord> sink) {
        Journal j = Journal.open(dir, JournalConfig.defaults(), new Metrics());
        j.replay(0, sink::add);
        j.start(sink::add);
        return j;
    }

    @Test
    void acknowledgesStoresAndReplaysInOrder() throws Exception {
        List<JournalRecord> live = new CopyOnWriteArrayList<>();
        RecordingCallback cb = new RecordingCallback();
        try (Journal j = open(live)) {
            j.submit(batch(1, 10, cb));
            assertEquals("ack 10", cb.next());
            j.submit(batch(11, 5, cb));
            assertEquals("ack 15", cb.next());
            assertEquals(16, j.nextSeq(7));
        }
        assertEquals(2, live.size());
        List<JournalRecord> replayed = new ArrayList<>();
        try (Journal j = Journal.open(dir, JournalConfig.defaults(), new Metrics())) {
            j.replay(0, replayed::add);
            assertEquals(16, j.nextSeq(7), "sequence state survives a restart");
        }
        assertEquals(2, replayed.size());
        assertEquals(11, replayed.get(1).firstSeq());
        assertEquals("/tmp/f13", replayed.get(1).event(2).body().string("path").orElseThrow());
        assertEquals(live.get(1).firstUid(), replayed.get(1).firstUid());
        assertEquals(live.get(1).position(), replayed.get(1).position());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void directIoAsConfiguredPaddingWhileOpenCutAtClose(boolean direct) throws Exception {
        JournalConfig config = new JournalConfig(64L << 20, 64L << 20, 32L << 20, direct);
        List<JournalRecord> live = new CopyOnWriteArrayList<>();
        RecordingCallback cb = new RecordingCallback();
        Path segment = SegmentFiles.path(dir, 0);
        long block = Files.getFileStore(dir).getBlockSize();
        try (Journal j = Journal.open(dir, config, new Metrics())) {
            j.replay(0, r -> { });
            j.start(live::add);
            j.submit(batch(1, 3, cb));
            assertEquals("ack 3", cb.next());
            long deadline = System.currentTimeMillis() + 5000;
            while (live.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10); // the record reaches the sink just after its ACK
            }
            long end = live.get(0).end();
            // Direct I/O writes whole blocks; through the page cache the file ends where the record does.
            assertEquals(direct ? (end + block - 1) / block * block : end, Files.size(segment));
        }
        assertEquals(live.get(0).end(), Files.size(segment));
    }

    @Test
    void duplicatesAreAcknowledgedButNotStoredTwice() throws Exception {
        List<JournalRecord> live = new CopyOnWriteArrayList<>();
        RecordingCallback cb = new RecordingCallback();
        try (Journal j = open(live)) {
            j.submit(batch(1, 10, cb));
            assertEquals("ack 10", cb.next());
            j.submit(batch(1, 10, cb));
            assertEquals("ack 10", cb.next());
            j.submit(batch(6, 10, cb));
            assertEquals("ack 15", cb.next());
        }
        assertEquals(2, live.size());
        assertEquals(5, live.get(1).size(), "only the new part of an overlapping batch is stored");
        assertEquals(11, live.get(1).firstSeq());
        assertEquals("/tmp/f11", live.get(1).event(0).body().string("path").orElseThrow());
    }

    @Test
    void aBatchBeyondTheNextSequenceIsRefusedUntilTheGapIsFilledOrDeclared() throws Exception {
        List<JournalRecord> live = new CopyOnWriteArrayList<>();
        RecordingCallback cb = new RecordingCallback();
        try (Journal j = open(live)) {
            j.submit(batch(5, 5, cb));
            assertEquals("out-of-order expected 1 got 5", cb.next());
            j.submit(new Submission.Gap(AGENT, 1, 4, "spool_full", "agent spool exceeded 1 GB", System.currentTimeMillis(), cb));
            assertEquals("ack 4", cb.next());
            j.submit(batch(5, 5, cb));
            assertEquals("ack 9", cb.next());
        }
        assertEquals(2, live.size());
        JournalRecord gap = live.get(0);
        assertEquals(EventType.GAP, gap.type(0));
        assertEquals(1L, gap.event(0).body().number("from_seq").orElseThrow());
        assertEquals(4L, gap.event(0).body().number("to_seq").orElseThrow());
        assertEquals("spool_full", gap.event(0).body().string("reason").orElseThrow());
    }

    @Test
    void aTornTailIsCutAndEverythingBeforeItSurvives() throws Exception {
        RecordingCallback cb = new RecordingCallback();
        try (Journal j = open(new CopyOnWriteArrayList<>())) {
            j.submit(batch(1, 3, cb));
            assertEquals("ack 3", cb.next());
        }
        Path segment;
        try (var s = Files.list(dir)) {
            segment = s.filter(p -> p.toString().endsWith(".wal")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        // Half of an entry, as a crash in the middle of a write leaves it.
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[]{0, 0, 1, 0, 1, 2, 3, 4, 5, 6}));
        }
        long damaged = Files.size(segment);
        List<JournalRecord> replayed = new ArrayList<>();
        try (Journal j = Journal.open(dir, JournalConfig.defaults(), new Metrics())) {
            j.replay(0, replayed::add);
            assertEquals(4, j.nextSeq(7));
        }
        assertEquals(1, replayed.size());
        assertTrue(Files.size(segment) < damaged, "torn tail truncated");
    }

    /**
     * Decision 40: a kill can leave the newest segment created but never written (its writes
     * wait for the one before to be durable). Replay removes it and goes on from the one before;
     * a newest segment with other bytes in it is still judged, and refused when unreadable.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 4096})
    void aSegmentACrashLeftUnwrittenIsRemoved(int zeros) throws Exception {
        RecordingCallback cb = new RecordingCallback();
        try (Journal j = open(new CopyOnWriteArrayList<>())) {
            j.submit(batch(1, 3, cb));
            assertEquals("ack 3", cb.next());
        }
        Path unwritten = SegmentFiles.path(dir, 1L << 40);
        Files.write(unwritten, new byte[zeros]);
        List<JournalRecord> replayed = new CopyOnWriteArrayList<>();
        try (Journal j = open(replayed)) {
            assertEquals(1, replayed.size(), "what was acknowledged replays");
            assertTrue(Files.notExists(unwritten), "the unwritten segment is gone");
            assertEquals(4, j.nextSeq(7));
            j.submit(batch(4, 3, cb));
            assertEquals("ack 6", cb.next());
        }
        replayed.clear();
        try (Journal j = open(replayed)) {
            assertEquals(2, replayed.size(), "and the journal goes on after it");
        }
        Files.write(SegmentFiles.path(dir, 1L << 41), new byte[]{0, 0, 0, 9});
        JournalException e = assertThrows(JournalException.class,
                () -> open(new ArrayList<>()).close());
        assertTrue(e.getMessage().contains("cannot replay"), e.getMessage());
    }

    @Test
    void releasedSegmentsAreDeleted() throws Exception {
        RecordingCallback cb = new RecordingCallback();
        JournalConfig small = new JournalConfig(1 << 20, 64L << 20, 32L << 20);
        List<JournalRecord> live = new CopyOnWriteArrayList<>();
        try (Journal j = Journal.open(dir, small, new Metrics())) {
            j.replay(0, r -> { });
            j.start(live::add);
            long seq = 1;
            for (int i = 0; i < 300; i++) {
                j.submit(batch(seq, 500, cb));
                seq += 500;
                cb.next();
            }
            assertTrue(segments() > 2, "segments rolled");
            j.release(live.get(live.size() - 1).end());
            long deadline = System.currentTimeMillis() + 5000;
            while (segments() > 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, segments(), "only the active segment remains");
        }
        List<JournalRecord> replayed = new ArrayList<>();
        try (Journal j = Journal.open(dir, small, new Metrics())) {
            j.replay(live.get(live.size() - 1).end(), replayed::add);
            assertEquals(150_001, j.nextSeq(7), "the snapshot at the head of the kept segment carries sequence state");
        }
        assertTrue(replayed.isEmpty());
    }

    @Test
    void aHoldKeepsReleasedSegmentsAndTheCopyReplaysEverything() throws Exception {
        RecordingCallback cb = new RecordingCallback();
        JournalConfig small = new JournalConfig(1 << 20, 64L << 20, 32L << 20);
        List<JournalRecord> live = new CopyOnWriteArrayList<>();
        java.nio.file.Path copy = dir.resolve("copy");
        try (Journal j = Journal.open(dir, small, new Metrics())) {
            j.replay(0, r -> { });
            j.start(live::add);
            long seq = 1;
            for (int i = 0; i < 300; i++) {
                j.submit(batch(seq, 500, cb));
                seq += 500;
                cb.next();
            }
            long before = segments();
            assertTrue(before > 2, "segments rolled");
            try (AutoCloseable hold = j.holdSegments()) {
                j.release(live.get(live.size() - 1).end());
                Thread.sleep(400); // the writer thread tries to delete while idle
                assertEquals(before, segments(), "nothing deleted while held");
                j.copyTo(copy);
            }
            long deadline = System.currentTimeMillis() + 5000;
            while (segments() > 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, segments(), "deleted once the hold ends");
        }
        List<JournalRecord> replayed = new ArrayList<>();
        try (Journal j = Journal.open(copy, small, new Metrics())) {
            j.replay(0, replayed::add);
            assertEquals(150_001, j.nextSeq(7));
        }
        assertEquals(live.size(), replayed.size());
        assertEquals(live.get(live.size() - 1).firstUid(), replayed.get(replayed.size() - 1).firstUid());
    }

    private long segments() throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".wal")).count();
        }
    }
}
