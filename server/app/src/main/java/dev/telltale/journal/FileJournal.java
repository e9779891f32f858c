package dev.telltale.journal;

import dev.telltale.metrics.Metrics;
import dev.telltale.protocol.WireWriter;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Segment-file journal with one writer thread and group commit. */
final class FileJournal implements Journal {
    private static final Logger LOG = Logger.getLogger(FileJournal.class.getName());

    private final Path dir;
    private final JournalConfig config;
    private final Map<Long, Long> nextSeqs = new ConcurrentHashMap<>();
    private final TreeMap<Long, Path> segments;
    private final LinkedBlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private final Metrics.Counter eventsStored;
    private final Metrics.Counter eventsDuplicate;
    private final Metrics.Counter gapsRecorded;
    private final Metrics.Counter bytesWritten;
    private final Metrics.Histogram fsyncSeconds;
    private final Metrics.Histogram ackSeconds;
    private final Metrics.Histogram writeSeconds;
    private final Metrics.Histogram rolloverSeconds;
    private final Metrics.Counter recordsLate;
    private final Metrics.Histogram lateWaitSeconds;

    private static final int KEPT_WRITER_BYTES = 32 << 20;

    private WireWriter writer;
    private long nextUid = 1;
    private long endPosition;
    private boolean replayed;
    private SegmentAppender active;
    private long activeStart;
    private Path activeFile;
    /**
     * The segment rolled away from while the active one's writes are held (decision 40), or
     * null; the groups written meanwhile go to the sync thread once it is durable.
     */
    private SegmentAppender retiring;
    private final List<WrittenGroup> heldGroups = new ArrayList<>();
    /** The segment moved on to, listed by the sync thread once its beginning is durable. */
    private volatile Map.Entry<Long, Path> unlisted;
    private boolean directRefusedLogged;
    private Thread thread;
    private RecordSink earlySink = r -> { };
    private RecordSink sink;
    private GroupSyncer syncer;
    /** Records the store declined before their fsync and has not yet been given after it. */
    private final AtomicLong lateRecords = new AtomicLong();
    /** End of the last record known durable; guarded by itself for waiting (decision 39). */
    private final Object durableLock = new Object();
    private volatile long durableEnd;
    private volatile boolean stopped;
    private volatile boolean healthy = true;
    private volatile boolean closing;
    private volatile long released;
    private final java.util.concurrent.atomic.AtomicInteger holds = new java.util.concurrent.atomic.AtomicInteger();

    FileJournal(Path dir, JournalConfig config, Metrics metrics) {
        this.dir = dir;
        this.config = config;
        try {
            Files.createDirectories(dir);
            segments = SegmentFiles.list(dir);
        } catch (IOException e) {
            throw new JournalException("cannot open journal directory " + dir, e);
        }
        eventsStored = metrics.counter("telltale_journal_events_total", "Events made durable in the journal");
        eventsDuplicate = metrics.counter("telltale_journal_duplicate_events_total",
                "Events received again after they were stored (acknowledged, not stored twice)");
        gapsRecorded = metrics.counter("telltale_journal_gaps_total", "Gap records written for declared losses");
        bytesWritten = metrics.counter("telltale_journal_bytes_total", "Bytes appended to journal segments");
        fsyncSeconds = metrics.histogram("telltale_journal_fsync_seconds",
                "Duration of journal group writes (direct I/O, decision 41) and fsyncs, on the sync thread",
                0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1);
        ackSeconds = metrics.histogram("telltale_ingest_batch_latency_seconds",
                "Time from receiving a batch to acknowledging it", 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5);
        // The journal thread's own waits on the device: while it waits, nothing new becomes searchable.
        writeSeconds = metrics.histogram("telltale_journal_write_seconds",
                "Duration of the journal thread's appends of a group (it waits for the device only when every write buffer is full)",
                0.01, 0.1, 0.25, 1);
        rolloverSeconds = metrics.histogram("telltale_journal_rollover_seconds",
                "Duration of moving on to a new segment (decision 40: it waits for a sync only while the last new one is still held)",
                0.01, 0.1, 0.25, 1);
        recordsLate = metrics.counter("telltale_journal_late_records_total",
                "Records the store had no room for before their fsync, handed to it after (decision 39)");
        lateWaitSeconds = metrics.histogram("telltale_journal_late_wait_seconds",
                "Time the sync thread waited for the store to take a record it had no room for before its fsync",
                0.01, 0.1, 0.25, 1);
        metrics.gauge("telltale_journal_queue_bytes", "Memory of submissions waiting for the journal", queued::get);
        metrics.gauge("telltale_journal_segments", "Journal segment files on disk", () -> segmentCount());
    }

    private synchronized int segmentCount() {
        return segments.size();
    }

    @Override
    public void replay(long fromPosition, Consumer<JournalRecord> consumer) {
        if (replayed) {
            throw new IllegalStateException("replay runs once");
        }
        replayed = true;
        endPosition = fromPosition;
        dropUnbegunLast();
        Map.Entry<Long, Path> first = segments.floorEntry(fromPosition);
        if (first == null) {
            first = segments.firstEntry();
        }
        if (first == null) {
            return;
        }
        boolean snapshotLoaded = false;
        for (Map.Entry<Long, Path> seg : segments.tailMap(first.getKey(), true).entrySet()) {
            boolean last = seg.getKey().equals(segments.lastKey());
            try {
                if (last) {
                    // A killed process leaves its last writes in the page cache, or in the device's
                    // cache with direct I/O: make them durable before the store may commit them.
                    forceFile(seg.getValue());
                }
            } catch (IOException e) {
                throw new JournalException("cannot sync journal segment " + seg.getValue(), e);
            }
            try (SegmentFiles.Reader reader = new SegmentFiles.Reader(seg.getValue())) {
                if (!reader.next()) {
                    throw new IOException("segment without a snapshot");
                }
                if (!snapshotLoaded) {
                    nextSeqs.clear();
                    nextUid = RecordCodec.decodeSnapshot(reader.payload(), 0, reader.length(), nextSeqs);
                    snapshotLoaded = true;
                }
                long start = seg.getKey();
                while (true) {
                    long at = start + reader.offset();
                    if (!reader.next()) {
                        break;
                    }
                    JournalRecord r = RecordCodec.decode(reader.payload(), 0, reader.length(), at, start + reader.offset());
                    nextSeqs.merge(r.context().agentId(), r.lastSeq() + 1, Math::max);
                    nextUid = Math.max(nextUid, r.firstUid() + r.size());
                    if (at >= fromPosition) {
                        consumer.accept(r);
                    }
                }
                long validEnd = start + reader.offset();
                if (reader.paddedEnd() && last) {
                    // Zeros after the last direct-I/O flush before a crash: padding, not data.
                    truncate(seg.getValue(), reader.offset());
                } else if (!reader.atEnd()) {
                    if (last) {
                        // A crash mid-write leaves a torn tail that was never fsync'd, hence never acknowledged.
                        LOG.warning(() -> "journal: truncating torn tail of " + seg.getValue() + " at " + reader.offset());
                        truncate(seg.getValue(), reader.offset());
                    } else {
                        LOG.severe(() -> "journal: segment " + seg.getValue() + " is damaged at offset " + reader.offset()
                                + "; records after it in this segment cannot be read");
                    }
                }
                endPosition = Math.max(endPosition, validEnd);
            } catch (IOException | RuntimeException e) {
                throw new JournalException("cannot replay journal segment " + seg.getValue(), e);
            }
        }
    }

    /**
     * A crash can leave the newest segment created with nothing in it: its writes are held until
     * the one before is durable (decision 40), and a file's entry can reach the disk before its
     * first bytes. Nothing in it was acknowledged (the sync thread forces a new segment before it
     * answers anything written into it), so it is removed and the one before is the last again.
     * A segment with any other bytes stays, and replay judges it.
     */
    private void dropUnbegunLast() {
        Map.Entry<Long, Path> last = segments.lastEntry();
        if (last == null) {
            return;
        }
        try {
            if (!SegmentFiles.unbegun(last.getValue())) {
                return;
            }
            LOG.warning(() -> "journal: removing " + last.getValue() + ", a segment a crash left before its first bytes");
            Files.delete(last.getValue());
            SegmentFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new JournalException("cannot read journal segment " + last.getValue(), e);
        }
        segments.remove(last.getKey());
    }

    private static void forceFile(Path segment) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void truncate(Path segment, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            ch.force(true);
        }
    }

    @Override
    public void start(RecordSink early, RecordSink durable) {
        if (!replayed) {
            replay(Long.MAX_VALUE, r -> { });
        }
        this.earlySink = early;
        this.sink = durable;
        try {
            openSegment(endPosition);
        } catch (IOException e) {
            throw new JournalException("cannot create a journal segment in " + dir, e);
        }
        durableEnd = endPosition; // replay synced the last segment
        syncer = new GroupSyncer(dir, new GroupSyncer.Outcome() {
            @Override
            public void durable(long end, List<WrittenGroup> groups, double fsyncSecs) throws InterruptedException {
                answer(end, groups, fsyncSecs);
            }

            @Override
            public void begun() {
                listBegun();
            }

            @Override
            public void failed(IOException e, List<WrittenGroup> groups) {
                FileJournal.this.failed(e, groups);
            }
        });
        syncer.start();
        thread = new Thread(this::run, "telltale-journal");
        thread.setDaemon(false);
        thread.start();
    }

    /** The first segment of this run, made durable here: nothing else runs yet. */
    private void openSegment(long start) throws IOException {
        Path file = SegmentFiles.path(dir, start);
        SegmentAppender ch = SegmentAppender.create(file, config.directIo());
        if (config.directIo() && !ch.direct() && !directRefusedLogged) {
            directRefusedLogged = true;
            LOG.info(() -> "journal: the file system of " + dir + " does not take direct I/O; writing through the page cache");
        }
        beginSegment(ch);
        ch.force(true);
        SegmentFiles.fsyncDirectory(dir);
        use(ch, start, file);
        register();
    }

    /**
     * Moves on to a new segment. Replay reads segments in order and takes a torn end before
     * the last one for damage, so nothing of the new one may become durable before the end of
     * this one. The sync thread writes and syncs this one while this thread goes on appending to
     * the new one (decision 40: it keeps handing records to the store); nothing of the new one is
     * written before that sync ({@link #releaseIfDurable}; with direct I/O, this thread writes
     * only when every buffer is full, and then waits for it), and the sync thread forces its first
     * bytes and directory entry before it acknowledges anything written into it.
     */
    private void rollOver(long start) throws IOException {
        releaseWhenDurable(); // a segment smaller than the staging buffer
        active.writeOut();
        syncer.add(WrittenGroup.BARRIER, active, start);
        Path file = SegmentFiles.path(dir, start);
        SegmentAppender old = active;
        SegmentAppender ch = old.handOver(file, () -> awaitWritable(start));
        retiring = old;
        use(ch, start, file);
        beginSegment(ch);
        releaseIfDurable(); // through the page cache, beginSegment has waited already
    }

    /** Waits until everything before {@code position} is durable. */
    private void awaitWritable(long position) throws IOException {
        try {
            awaitDurable(position);
        } catch (JournalException e) {
            throw new IOException("the previous journal segment could not be made durable", e);
        }
    }

    /**
     * Once the segment rolled away from is durable: hands both to the sync thread, then the
     * groups held meanwhile; the sync thread lists the new one once its beginning is durable
     * (a backup copies only listed segments, so none without its snapshot).
     */
    private void releaseIfDurable() throws IOException {
        if (retiring == null) {
            return;
        }
        if (!healthy) {
            failed(new IOException("the journal failed"), heldGroups);
            heldGroups.clear();
            return;
        }
        if (durableEnd < activeStart) {
            return;
        }
        active.writeOut();
        unlisted = Map.entry(activeStart, activeFile);
        syncer.retire(retiring, active);
        retiring = null;
        long end = activeStart + active.size();
        for (WrittenGroup g : heldGroups) {
            syncer.add(g, active, end);
        }
        heldGroups.clear();
    }

    /** A segment starts with the magic and a snapshot of the sequence state. */
    private void beginSegment(SegmentAppender ch) throws IOException {
        WireWriter snap = new WireWriter(64 + nextSeqs.size() * 16);
        RecordCodec.encodeSnapshot(nextUid, nextSeqs, snap);
        ch.append(SegmentFiles.MAGIC);
        ch.appendEntry(snap.buffer(), 0, snap.size());
    }

    private void use(SegmentAppender ch, long start, Path file) {
        active = ch;
        activeStart = start;
        activeFile = file;
    }

    private void register() {
        synchronized (this) {
            segments.put(activeStart, activeFile);
        }
    }

    /**
     * On the sync thread, once the segment moved on to has its first bytes (magic and snapshot)
     * durable: a backup copies listed segments only, so none it could not replay.
     */
    private void listBegun() {
        Map.Entry<Long, Path> e = unlisted;
        if (e != null) {
            unlisted = null;
            synchronized (this) {
                segments.put(e.getKey(), e.getValue());
            }
        }
    }

    @Override
    public boolean submit(Submission s) {
        if (closing || !healthy) {
            s.callback().failed(healthy ? "the appliance is shutting down" : "the journal cannot write");
            return true;
        }
        long total = queued.addAndGet(s.weight());
        queue.add(s);
        return total < config.queueHighBytes();
    }

    @Override
    public void whenCapacity(Runnable wakeup) {
        waiters.add(wakeup);
        if (queued.get() < config.queueLowBytes()) {
            wakeWaiters();
        }
    }

    /**
     * Wakes waiting connections while there is room. The check is repeated for every waiter:
     * a connection woken a moment ago may already have refilled the queue and queued a new
     * waiter, which must wait for the next release.
     */
    private void wakeWaiters() {
        Runnable r;
        while (queued.get() < config.queueLowBytes() && (r = waiters.poll()) != null) {
            r.run();
        }
    }

    @Override
    public long nextSeq(long agentId) {
        return nextSeqs.getOrDefault(agentId, 1L);
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    @Override
    public long queuedBytes() {
        return queued.get();
    }

    private void run() {
        List<Submission> group = new ArrayList<>(1024);
        while (true) {
            try {
                // Held groups wait for the sync thread, not for the next submission.
                Submission first = queue.poll(retiring != null ? 1 : 100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        break;
                    }
                    releaseHeld(false);
                    deleteReleased();
                    continue;
                }
                group.add(first);
                queue.drainTo(group, 4095);
                process(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable t) {
                // Out of memory or a bug: stop acknowledging, say so in health, fail what waits.
                healthy = false;
                LOG.log(Level.SEVERE, "the journal thread failed; no further events are acknowledged", t);
                for (Submission s : group) {
                    s.callback().failed("the journal failed");
                }
                failed(new IOException("the journal thread failed", t), heldGroups);
                failQueued();
                break;
            } finally {
                group.clear();
            }
        }
        if (healthy) {
            releaseHeld(true); // the sync thread answers them before it stops
        }
    }

    private void process(List<Submission> group) throws InterruptedException {
        List<JournalRecord> records = new ArrayList<>(group.size());
        Map<SessionCallback, Long> acks = new IdentityHashMap<>();
        List<Submission> outOfOrder = new ArrayList<>(0);
        long weight = 0;
        long oldestReceived = Long.MAX_VALUE;
        int offered;
        long t0 = System.nanoTime();
        try {
            for (Submission s : group) {
                weight += s.weight();
                oldestReceived = Math.min(oldestReceived, s.receivedMs());
                if (!healthy) {
                    s.callback().failed("the journal cannot write");
                    continue;
                }
                long agent = s.context().agentId();
                long next = nextSeqs.getOrDefault(agent, 1L);
                long last = s.firstSeq() + s.count() - 1;
                if (s.firstSeq() > next) {
                    outOfOrder.add(s);
                    continue;
                }
                acks.merge(s.callback(), last, Math::max);
                if (last < next) {
                    eventsDuplicate.add(s.count());
                    continue;
                }
                eventsDuplicate.add(next - s.firstSeq());
                JournalRecord r = append(s, next);
                nextSeqs.put(agent, last + 1);
                records.add(r);
            }
            offered = offerEarly(records);
            active.writeOut();
            writeSeconds.observe((System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            writeFailed(e, group, weight);
            return;
        }
        // Acknowledgements, refusals and the other readers wait for the sync thread's fsync;
        // this thread goes on with the next group meanwhile (decision 39).
        WrittenGroup written = new WrittenGroup(acks, outOfOrder, records, offered, weight, oldestReceived);
        if (retiring == null) {
            syncer.add(written, active, activeStart + active.size());
            return;
        }
        heldGroups.add(written);
        releaseHeld(false);
    }

    /**
     * Hands the held groups on once the segment rolled away from is durable; with {@code wait},
     * waits for that first (closing).
     */
    private void releaseHeld(boolean wait) {
        try {
            if (wait) {
                releaseWhenDurable();
            } else {
                releaseIfDurable();
            }
        } catch (IOException e) {
            writeFailed(e, List.of(), 0);
        }
    }

    /** As {@link #releaseIfDurable}, waiting first for the segment rolled away from to be durable. */
    private void releaseWhenDurable() throws IOException {
        if (retiring != null) {
            awaitWritable(activeStart);
            releaseIfDurable();
        }
    }

    /** A write failed: nothing more is acknowledged, and what waits is refused. */
    private void writeFailed(IOException e, List<Submission> group, long weight) {
        healthy = false;
        LOG.log(Level.SEVERE, "journal write failed; no further events are acknowledged", e);
        for (Submission s : group) {
            s.callback().failed("the journal cannot write: " + e.getMessage());
        }
        failed(e, heldGroups);
        heldGroups.clear();
        failQueued();
        releaseWeight(weight);
    }

    /**
     * Searchable before durable (decision 39): the store indexes these while the device flushes,
     * and commits none of them before awaitDurable says so. Only what it takes without waiting
     * (the fsync must never wait for the store), and only while no record it declined earlier is
     * still on its way to it after its fsync: the store must see records in position order.
     */
    private int offerEarly(List<JournalRecord> records) {
        int offered = 0;
        if (lateRecords.get() == 0) {
            while (offered < records.size() && earlySink.offer(records.get(offered))) {
                offered++;
            }
        }
        lateRecords.addAndGet(records.size() - offered);
        recordsLate.add(records.size() - offered);
        return offered;
    }

    /** On the sync thread: everything through {@code end} is durable; answer the groups in order. */
    private void answer(long end, List<WrittenGroup> groups, double fsyncSecs) throws InterruptedException {
        if (!healthy) {
            failed(new IOException("the journal failed"), groups);
            return;
        }
        if (fsyncSecs >= 0) {
            fsyncSeconds.observe(fsyncSecs); // groups of duplicates alone need no fsync
        }
        publishDurable(end);
        for (WrittenGroup g : groups) {
            g.acks().forEach(SessionCallback::acked);
            for (Submission s : g.outOfOrder()) {
                s.callback().outOfOrder(nextSeqs.getOrDefault(s.context().agentId(), 1L), s.firstSeq());
            }
            if (g.oldestReceivedMs() != Long.MAX_VALUE) {
                ackSeconds.observe(Math.max(0, System.currentTimeMillis() - g.oldestReceivedMs()) / 1e3);
            }
            releaseWeight(g.weight());
            List<JournalRecord> records = g.records();
            for (int i = 0; i < records.size(); i++) {
                if (i >= g.offered()) {
                    long t0 = System.nanoTime();
                    earlySink.accept(records.get(i));
                    lateWaitSeconds.observe((System.nanoTime() - t0) / 1e9);
                    lateRecords.decrementAndGet();
                }
                sink.accept(records.get(i));
            }
        }
    }

    /** On the sync thread: the fsync failed; nothing of these groups is acknowledged, ever. */
    private void failed(IOException e, List<WrittenGroup> groups) {
        if (healthy) {
            healthy = false;
            LOG.log(Level.SEVERE, "journal sync failed; no further events are acknowledged", e);
        }
        for (WrittenGroup g : groups) {
            for (SessionCallback cb : g.acks().keySet()) {
                cb.failed("the journal cannot write: " + e.getMessage());
            }
            for (Submission s : g.outOfOrder()) {
                s.callback().failed("the journal cannot write: " + e.getMessage());
            }
            releaseWeight(g.weight());
        }
        synchronized (durableLock) {
            durableLock.notifyAll(); // awaitDurable throws now
        }
    }

    private void publishDurable(long end) {
        synchronized (durableLock) {
            durableEnd = end;
            durableLock.notifyAll();
        }
    }

    @Override
    public void awaitDurable(long end) {
        if (end <= durableEnd) {
            return;
        }
        boolean interrupted = false;
        synchronized (durableLock) {
            // Uninterruptible: a commit that gave up here would leave its writer half prepared.
            while (end > durableEnd) {
                if (!healthy) {
                    throw new JournalException("the journal failed before position " + end + " was durable");
                }
                if (stopped) {
                    throw new JournalException("the journal closed before position " + end + " was durable");
                }
                try {
                    durableLock.wait(100);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long durableEnd() {
        return durableEnd;
    }

    private void releaseWeight(long weight) {
        if (queued.addAndGet(-weight) < config.queueLowBytes()) {
            wakeWaiters();
        }
    }

    private void failQueued() {
        Submission s;
        while ((s = queue.poll()) != null) {
            s.callback().failed("the journal cannot write");
            releaseWeight(s.weight());
        }
    }

    private JournalRecord append(Submission s, long next) throws IOException, InterruptedException {
        EventType[] types;
        long[] dts;
        byte[][] encoded;
        long firstSeq = Math.max(next, s.firstSeq());
        long lastSeq = s.firstSeq() + s.count() - 1;
        long base;
        if (s instanceof Submission.Batch b) {
            int skip = (int) (firstSeq - b.firstSeq());
            types = skip == 0 ? b.types() : Arrays.copyOfRange(b.types(), skip, b.types().length);
            dts = skip == 0 ? b.dts() : Arrays.copyOfRange(b.dts(), skip, b.dts().length);
            encoded = skip == 0 ? b.encoded() : Arrays.copyOfRange(b.encoded(), skip, b.encoded().length);
            base = b.baseTimeUs();
            eventsStored.add(encoded.length);
        } else {
            Submission.Gap g = (Submission.Gap) s;
            Event gap = Event.of(EventType.GAP, 0, 0, 0);
            gap.body().set("from_seq", firstSeq).set("to_seq", lastSeq).set("reason", g.reason());
            if (!g.detail().isEmpty()) {
                gap.body().set("detail", g.detail());
            }
            types = new EventType[]{EventType.GAP};
            dts = new long[]{0};
            encoded = new byte[][]{EventCodec.encode(gap)};
            base = g.receivedMs() * 1000;
            gapsRecorded.inc();
        }
        long estimate = 256;
        for (byte[] e : encoded) {
            estimate += e.length + 6;
        }
        if (active.size() + estimate > config.segmentBytes() && active.size() > 4096) {
            long t0 = System.nanoTime();
            rollOver(activeStart + active.size());
            double secs = (System.nanoTime() - t0) / 1e9;
            rolloverSeconds.observe(secs);
            if (secs >= 0.25) {
                LOG.info(() -> String.format(Locale.ROOT,
                        "journal: moving to a new segment waited %.2f s for the device; nothing new was searchable meanwhile",
                        secs));
            }
        }
        JournalRecord draft = new JournalRecord(0, 0, s.context(), firstSeq, lastSeq, nextUid, base,
                s.receivedMs(), types, dts, encoded);
        WireWriter w = recordWriter(estimate);
        RecordCodec.encode(draft, w);
        long position = activeStart + active.size();
        int size = active.appendEntry(w.buffer(), 0, w.size());
        bytesWritten.add(size);
        nextUid += encoded.length;
        return new JournalRecord(position, position + size, s.context(), firstSeq, lastSeq, draft.firstUid(), base,
                s.receivedMs(), types, dts, encoded);
    }

    /**
     * The journal thread's encoding buffer, kept between records: a fresh one per record was
     * a humongous allocation (records are up to megabytes) and started G1 concurrent cycles at
     * full ingest. One that grew past {@link #KEPT_WRITER_BYTES} for a rare huge record is let go.
     */
    private WireWriter recordWriter(long estimate) {
        if (writer == null || writer.buffer().length > KEPT_WRITER_BYTES) {
            writer = new WireWriter((int) Math.min(Math.max(estimate, 64 << 10), KEPT_WRITER_BYTES));
        }
        writer.reset();
        return writer;
    }

    @Override
    public void release(long position) {
        released = Math.max(released, position);
    }

    /** Deletes segments that end at or before the released position, never the active one. */
    private void deleteReleased() {
        if (holds.get() > 0) {
            return;
        }
        List<Path> doomed = new ArrayList<>();
        synchronized (this) {
            if (holds.get() > 0) {
                return;
            }
            Long[] starts = segments.keySet().toArray(new Long[0]);
            for (int i = 0; i + 1 < starts.length; i++) {
                // The next one's snapshot (sequence state) must be durable before this one goes.
                if (starts[i + 1] <= released && starts[i + 1] < durableEnd && starts[i] != activeStart) {
                    doomed.add(segments.remove(starts[i]));
                }
            }
        }
        for (Path p : doomed) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.warning(() -> "journal: cannot delete " + p + ": " + e.getMessage());
            }
        }
    }

    @Override
    public AutoCloseable holdSegments() {
        synchronized (this) {
            holds.incrementAndGet();
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                holds.decrementAndGet();
            }
        };
    }

    @Override
    public void copyTo(Path target) {
        List<Path> files;
        synchronized (this) {
            // A segment is in the map once its magic and snapshot are written (the copy reads what
            // was written, synced or not; replay cuts a torn end).
            files = List.copyOf(segments.values());
        }
        try {
            Files.createDirectories(target);
            for (Path f : files) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        } catch (IOException e) {
            throw new JournalException("cannot copy the journal to " + target, e);
        }
    }

    @Override
    public void close() {
        closing = true;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (syncer != null) {
            syncer.close(); // answers what the journal thread wrote
        }
        failQueued();
        try (SegmentAppender unretired = retiring) {
            // A failed journal never handed the segment it rolled away from to the sync thread.
            if (active != null) {
                active.close();
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "journal: close failed", e);
        }
        synchronized (durableLock) {
            stopped = true;
            durableLock.notifyAll();
        }
    }
}
