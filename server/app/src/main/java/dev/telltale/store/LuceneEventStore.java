package dev.telltale.store;

import dev.telltale.journal.Durability;
import dev.telltale.journal.JournalRecord;
import dev.telltale.journal.RecordSink;
import dev.telltale.metrics.Metrics;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** Partitioned Lucene store; indexing threads, a refresher and a committer. */
final class LuceneEventStore implements EventStore {
    private static final Logger LOG = Logger.getLogger(LuceneEventStore.class.getName());
    private static final java.util.regex.Pattern PARTITION = java.util.regex.Pattern.compile("p-\\d{8}T\\d{6}Z");
    /** Suffix of a partition directory Lucene could not read; kept for the operator, never opened. */
    static final String SET_ASIDE = ".unreadable";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'p-'yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** Permits are KiB of estimated decoded events waiting to be indexed. */
    private final int queuePermits;

    private final Path dir;
    private final Trash trash;
    private final Fsyncs fsyncs = new Fsyncs();
    private final StoreConfig config;
    private final Clock clock;
    private final ConcurrentSkipListMap<Long, Partition> partitions = new ConcurrentSkipListMap<>();
    private final ArrayBlockingQueue<JournalRecord> queue;
    private final Semaphore queuedMemory;
    /** Guards the hand-off from the queue to indexers, so checkpoints know what is in flight. */
    private final Object handoff = new Object();
    private final java.util.TreeSet<Long> inFlight = new java.util.TreeSet<>();
    private final Semaphore available = new Semaphore(0);
    private long polledEnd;
    /** Serializes checkpoints and retention; indexing never waits for either. */
    private final Object maintenanceLock = new Object();
    private final long checkpoint;
    private final Metrics.Counter indexed;
    private final Metrics.Counter dropped;
    private final Metrics.Counter refusedDocs;
    private final Metrics.Histogram commitSeconds;
    private final Metrics.Histogram refreshSeconds;
    private final Metrics.Histogram searchRefreshSeconds;
    private final List<Thread> indexers = new ArrayList<>();
    private final ThreadLocal<DocBuilder> builders = ThreadLocal.withInitial(DocBuilder::new);
    private final Searches searches;
    private final Reindexer reindexer;
    private ScheduledExecutorService refresher;
    private ScheduledExecutorService maintenance;
    private java.util.function.LongConsumer committed = p -> { };
    private volatile Durability durability = Durability.IMMEDIATE;
    private volatile boolean running;
    private static final long SEARCH_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long IDLE_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(5);
    private volatile long lastSearchNanos = System.nanoTime() - SEARCH_IDLE_NANOS;
    private volatile boolean healthy = true;

    LuceneEventStore(Path dir, StoreConfig config, Metrics metrics, Clock clock) {
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(config.queueRecords());
        this.queuePermits = (int) Math.min(Integer.MAX_VALUE, config.queueBytes() / 1024);
        this.queuedMemory = new Semaphore(queuePermits);
        try {
            Files.createDirectories(dir);
            this.trash = Trash.open(dir);
            this.checkpoint = readCheckpoint();
            this.reindexer = new Reindexer(this::writerConfig, clock);
            recoverInterruptedRebuilds();
            openPartitions();
        } catch (IOException | RuntimeException e) {
            for (Partition p : partitions.values()) {
                try {
                    p.close();
                } catch (IOException | RuntimeException ignored) {
                    // Already failing to open; the first error is the one to report.
                }
            }
            throw new StoreException("cannot open the event store in " + dir, e);
        }
        this.searches = new Searches(partitions, this::beforeSearch);
        indexed = metrics.counter("telltale_store_indexed_events_total", "Events indexed into the event store");
        dropped = metrics.counter("telltale_store_expired_events_total",
                "Replayed events not indexed because their partition is past retention");
        refusedDocs = metrics.counter("telltale_store_minimal_documents_total",
                "Events indexed by context only because Lucene refused their full document");
        refreshSeconds = metrics.histogram("telltale_store_refresh_seconds", "Duration of scheduled reader refreshes",
                0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5);
        searchRefreshSeconds = metrics.histogram("telltale_store_search_refresh_seconds",
                "Duration of reader refreshes a search waited for", 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5);
        commitSeconds = metrics.histogram("telltale_store_commit_seconds", "Duration of store checkpoints",
                0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
        metrics.gauge("telltale_store_queue_records", "Journal records waiting to be indexed", queue::size);
        metrics.gauge("telltale_store_queue_bytes", "Estimated memory of events waiting to be indexed",
                () -> (queuePermits - queuedMemory.availablePermits()) * 1024.0);
        metrics.gauge("telltale_store_partitions", "Event store partitions", partitions::size);
        metrics.gauge("telltale_store_commit_fsynced_files", "Index files fsynced by commits since the start",
                fsyncs::filesSynced);
        metrics.gauge("telltale_store_size_bytes", "Bytes used by the event indexes", this::sizeBytes);
        metrics.gauge("telltale_store_reindex_partitions_pending",
                "Partitions of an older index format or document layout still to rebuild",
                () -> reindexer.status().partitionsPending());
        metrics.gauge("telltale_store_reindex_documents_done", "Events copied by the background rebuild so far",
                () -> reindexer.status().documentsDone());
        metrics.gauge("telltale_store_reindex_documents_total", "Events the background rebuild has to copy",
                () -> reindexer.status().documentsTotal());
        metrics.gauge("telltale_store_set_aside_partitions",
                "Partitions set aside because Lucene could not read them; their events are missing from search",
                () -> reindexer.status().setAside().size());
    }

    /**
     * A crash during a swap can leave {@code X.old} (the index being replaced) and a crash
     * during a rebuild {@code X.reindex}. {@code X.old} beside {@code X} means the swap had
     * completed (the new index was committed before the renames); without {@code X} it is
     * the only copy and goes back. A rebuild directory is never trusted: it is redone.
     */
    private void recoverInterruptedRebuilds() throws IOException {
        for (Path p : directories()) {
            String name = p.getFileName().toString();
            Path base = p.resolveSibling(name.substring(0, Math.max(0, name.lastIndexOf('.'))));
            if (name.endsWith(".old") && PARTITION.matcher(base.getFileName().toString()).matches()) {
                if (Files.exists(base)) {
                    Rebuild.deleteTree(p);
                } else {
                    Files.move(p, base, StandardCopyOption.ATOMIC_MOVE);
                    LOG.warning(() -> "event store: restored partition " + base.getFileName() + " left by an interrupted rebuild");
                }
            }
        }
        for (Path p : directories()) {
            if (p.getFileName().toString().endsWith(".reindex")) {
                LOG.info(() -> "event store: discarding the unfinished rebuild " + p.getFileName() + "; it is redone");
                Rebuild.deleteTree(p);
            }
        }
    }

    private List<Path> directories() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    /**
     * Opens every partition. One Lucene cannot read (two majors old, or corrupt) is set aside
     * rather than stopping the appliance; one it reads but that is older than current is
     * queued for a background rebuild.
     */
    private void openPartitions() throws IOException {
        for (Path p : directories()) {
            String name = p.getFileName().toString();
            if (name.endsWith(SET_ASIDE)) {
                reindexer.setAside(name);
                continue;
            }
            if (!PARTITION.matcher(name).matches()) {
                continue;
            }
            long start = Instant.from(NAME.parse(name)).toEpochMilli();
            Partition part;
            try {
                part = new Partition(p, start, start + widthMs(), this::writerConfig, trash, fsyncs,
                        this::awaitHandedDurable);
            } catch (IOException | RuntimeException e) {
                if (!unreadable(e)) {
                    throw e;
                }
                setAside(p, e);
                continue;
            }
            partitions.put(start, part);
            IndexFormat f = part.format();
            if (f.needsReindex()) {
                LOG.info(() -> "event store: partition " + name + " will be rebuilt in the background: " + f.describe());
                reindexer.queue(part);
            } else if (f.layout() > DocBuilder.LAYOUT) {
                LOG.warning(() -> "event store: partition " + name + " has document layout " + f.layout()
                        + ", newer than this version's " + DocBuilder.LAYOUT + " (a downgrade?); searches may miss fields");
            }
        }
    }

    /** Errors that say the index itself cannot be read, as opposed to the disk or the process failing. */
    static boolean unreadable(Throwable e) {
        return e instanceof org.apache.lucene.index.CorruptIndexException
                || e instanceof org.apache.lucene.index.IndexFormatTooOldException
                || e instanceof org.apache.lucene.index.IndexFormatTooNewException
                || e instanceof java.nio.file.NoSuchFileException
                || e instanceof java.io.FileNotFoundException
                || e instanceof java.io.EOFException
                // e.g. a codec this version does not know, named by the segments file
                || e instanceof IllegalArgumentException;
    }

    private void setAside(Path p, Throwable why) throws IOException {
        String name = p.getFileName().toString();
        Path target = p.resolveSibling(name + SET_ASIDE);
        for (int i = 2; Files.exists(target); i++) {
            target = p.resolveSibling(name + "-" + i + SET_ASIDE);
        }
        Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
        reindexer.setAside(target.getFileName().toString());
        LOG.log(Level.SEVERE, "event store: partition " + name + " cannot be read by this version (" + why
                + ") and was set aside as " + target.getFileName() + ". Its events are missing from search, except the "
                + "few the journal still holds (those received shortly before the last stop are indexed again into a "
                + "new partition; the journal deletes what has been indexed). To get them back, stop the appliance "
                + "and restore that directory from a backup taken by a version that can read it, or delete it to "
                + "free the space.", why);
    }

    private long widthMs() {
        return config.partition().toMillis();
    }

    private IndexWriterConfig writerConfig() {
        IndexWriterConfig c = WriterSettings.create(config.ramBufferMb());
        c.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        c.setCommitOnClose(false);
        return c;
    }

    private Path checkpointFile() {
        return dir.resolve("checkpoint");
    }

    private long readCheckpoint() throws IOException {
        Path f = checkpointFile();
        if (!Files.exists(f)) {
            return 0;
        }
        String s = Files.readString(f, StandardCharsets.US_ASCII).trim();
        if (!s.startsWith("journal_position=")) {
            throw new IOException(f + " is not a store checkpoint");
        }
        return Long.parseLong(s.substring("journal_position=".length()));
    }

    private void writeCheckpoint(long position) throws IOException {
        Path tmp = dir.resolve("checkpoint.tmp");
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(("journal_position=" + position + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, checkpointFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (var d = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public long checkpoint() {
        return checkpoint;
    }

    private Partition partitionFor(long receivedMs) throws IOException {
        long start = Math.floorDiv(receivedMs, widthMs()) * widthMs();
        Partition p = partitions.get(start);
        if (p != null) {
            return p;
        }
        synchronized (partitions) {
            p = partitions.get(start);
            if (p == null) {
                p = new Partition(dir.resolve(NAME.format(Instant.ofEpochMilli(start))), start, start + widthMs(),
                        this::writerConfig, trash, fsyncs, this::awaitHandedDurable);
                partitions.put(start, p);
            }
            return p;
        }
    }

    private boolean expired(long receivedMs) {
        long cutoff = clock.millis() - config.retention().toMillis();
        long start = Math.floorDiv(receivedMs, widthMs()) * widthMs();
        return start + widthMs() <= cutoff;
    }

    @Override
    public void replay(JournalRecord r) {
        try {
            if (expired(r.receivedMs())) {
                dropped.add(r.size());
                return;
            }
            Partition p = partitionFor(r.receivedMs());
            if (r.position() >= p.committedPosition()) {
                indexMissing(p, r);
            }
            synchronized (handoff) {
                polledEnd = Math.max(polledEnd, r.end());
            }
        } catch (IOException e) {
            throw new StoreException("cannot index replayed journal record at " + r.position(), e);
        }
    }

    /** Indexes what the partition's last commit lacks of a record (all of it, or none). */
    private void indexMissing(Partition p, JournalRecord r) throws IOException {
        int n = r.size();
        boolean first = p.committedHas(r.firstUid());
        boolean last = p.committedHas(r.firstUid() + n - 1);
        if (!first && !last) {
            index(p, r);
        } else if (!(first && last)) {
            // Only a record indexed event by event (see index) can be half committed.
            DocBuilder b = builders.get();
            for (int i = 0; i < n; i++) {
                if (!p.committedHas(r.firstUid() + i)) {
                    p.add(List.of(b.build(r, i)), r.timeUs(i), r.timeUs(i));
                    indexed.inc();
                }
            }
        }
    }

    private void index(Partition p, JournalRecord r) throws IOException {
        DocBuilder b = builders.get();
        List<List<IndexableField>> docs = new ArrayList<>(r.size());
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (int i = 0; i < r.size(); i++) {
            docs.add(b.build(r, i));
            long ts = r.timeUs(i);
            min = Math.min(min, ts);
            max = Math.max(max, ts);
        }
        try {
            p.add(docs, min, max);
        } catch (IllegalArgumentException e) {
            // Lucene refused a document (a term over its size limit, say): keep every other event
            // whole and that one by its context and stored form, never lose or loop on it.
            LOG.warning(() -> "indexing journal record at " + r.position() + " one event at a time: " + e.getMessage());
            for (int i = 0; i < r.size(); i++) {
                try {
                    p.add(List.of(docs.get(i)), r.timeUs(i), r.timeUs(i));
                } catch (IllegalArgumentException refused) {
                    p.add(List.of(b.buildMinimal(r, i)), r.timeUs(i), r.timeUs(i));
                    refusedDocs.inc();
                }
            }
        }
        indexed.add(docs.size());
    }

    @Override
    public RecordSink start(java.util.function.LongConsumer onCommitted, Durability journalDurability) {
        this.committed = onCommitted;
        this.durability = journalDurability;
        running = true;
        partitions.values().forEach(Partition::replayDone);
        // After replay: the rebuild's snapshot then holds everything the journal had to add.
        reindexer.start();
        for (int i = 0; i < config.indexThreads(); i++) {
            Thread t = new Thread(this::indexLoop, "telltale-indexer-" + i);
            t.start();
            indexers.add(t);
        }
        refresher = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "telltale-store-refresh"));
        long refreshMs = config.refreshInterval().toMillis();
        refresher.scheduleAtFixedRate(this::refreshQuietly, refreshMs, Math.max(1, refreshMs), TimeUnit.MILLISECONDS);
        maintenance = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "telltale-store-commit"));
        long commitMs = config.commitInterval().toMillis();
        maintenance.scheduleWithFixedDelay(this::checkpointQuietly, commitMs, commitMs, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(this::retentionQuietly, 5, 60, TimeUnit.SECONDS);
        return new RecordSink() {
            @Override
            public void accept(JournalRecord r) throws InterruptedException {
                enqueue(r);
            }

            @Override
            public boolean offer(JournalRecord r) {
                return tryEnqueue(r);
            }
        };
    }

    private void enqueue(JournalRecord r) throws InterruptedException {
        queuedMemory.acquire(permits(r));
        queue.put(r);
        available.release();
    }

    /** As {@link #enqueue} when there is room now; false, and nothing queued, when not. */
    private boolean tryEnqueue(JournalRecord r) {
        int permits = permits(r);
        if (!queuedMemory.tryAcquire(permits)) {
            return false;
        }
        if (!queue.offer(r)) {
            queuedMemory.release(permits);
            return false;
        }
        available.release();
        return true;
    }

    private int permits(JournalRecord r) {
        return (int) Math.min(queuePermits, Math.max(1, r.weight() / 1024));
    }

    private void indexLoop() {
        while (running || !queue.isEmpty()) {
            JournalRecord r;
            try {
                if (!available.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (handoff) {
                r = queue.poll();
                inFlight.add(r.position());
                polledEnd = Math.max(polledEnd, r.end());
            }
            try {
                index(partitionFor(r.receivedMs()), r);
            } catch (IOException | RuntimeException e) {
                // The record stays in the journal: a restart replays it. Until then, stop claiming health.
                healthy = false;
                LOG.log(Level.SEVERE, "indexing failed", e);
            } finally {
                queuedMemory.release(permits(r));
                synchronized (handoff) {
                    inFlight.remove(r.position());
                }
            }
        }
    }

    /**
     * Refreshing readers costs indexing throughput (small segments, then merges), so it is done
     * only while someone searches: a search finds every event indexed more than one refresh
     * interval ago, and while searches keep coming the store refreshes on its own schedule too.
     */
    private void beforeSearch() throws IOException {
        lastSearchNanos = System.nanoTime();
        long maxAge = config.refreshInterval().toNanos();
        for (Partition p : partitions.values()) {
            long t0 = System.nanoTime();
            if (p.needsRefresh(maxAge) && refreshOnRefreshThread(p, maxAge)) {
                searchRefreshSeconds.observe((System.nanoTime() - t0) / 1e9);
            }
        }
    }

    /**
     * Runs a refresh a search asked for on the refresh thread, and waits for it. The searching
     * thread may be interrupted (a client that went away): Lucene checks its write lock before
     * every file it writes, that check is an interruptible file-channel call, and an interrupt
     * there closes the lock's channel for good, leaving a writer that can neither add, commit
     * nor close. An interrupted search stops waiting and searches what is already visible.
     */
    private boolean refreshOnRefreshThread(Partition p, long maxAge) throws IOException {
        ScheduledExecutorService thread = refresher;
        if (thread == null) {
            return p.refreshIfOlder(maxAge); // not started: replay and tests, nobody to interrupt
        }
        java.util.concurrent.Future<Boolean> done;
        try {
            done = thread.submit(() -> p.refreshIfOlder(maxAge));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return false;
        }
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** What a task on one of the store's threads threw: returned when checked, thrown when not. */
    private static IOException unwrap(java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
            return io;
        }
        if (e.getCause() instanceof RuntimeException re) {
            throw re;
        }
        throw new StoreException("a store task failed", e.getCause());
    }

    private void refreshQuietly() {
        // While searches come, keep the searcher about one interval old, but leave alone one that a
        // search refreshed less than three quarters of an interval ago: refreshing it again would
        // flush another tiny segment for merges to rewrite. (Refreshing on every tick, the ingest
        // benchmark's paced run flushed 7 refreshes' worth of segments a second instead of 4.)
        // While nobody searches, still refresh now and then, so that the first search after a
        // quiet spell does not have to flush a whole indexing buffer.
        long maxAge = System.nanoTime() - lastSearchNanos > SEARCH_IDLE_NANOS ? IDLE_REFRESH_NANOS
                : config.refreshInterval().toNanos() * 3 / 4;
        for (Partition p : partitions.values()) {
            if (p.hasWriter()) {
                try {
                    long t0 = System.nanoTime();
                    if (p.refreshIfOlderUnlessBusy(maxAge)) {
                        refreshSeconds.observe((System.nanoTime() - t0) / 1e9);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "refresh of " + p.dir + " failed", e);
                }
            }
        }
    }

    @Override
    public void refreshNow() {
        for (Partition p : partitions.values()) {
            try {
                p.refreshBlocking();
            } catch (IOException e) {
                throw new StoreException("refresh failed", e);
            }
        }
    }

    /**
     * Returns once every record handed to the indexers so far is durable in the journal: a
     * commit prepared before this call holds documents of those records only (decision 39).
     *
     * @throws dev.telltale.journal.JournalException when the journal failed or closed first
     */
    private void awaitHandedDurable() {
        long end;
        synchronized (handoff) {
            end = polledEnd;
        }
        durability.awaitDurable(end);
    }

    private void checkpointQuietly() {
        try {
            checkpointNow();
        } catch (IOException | RuntimeException e) {
            healthy = false;
            LOG.log(Level.SEVERE, "store checkpoint failed", e);
        }
    }

    /**
     * Commits every partition at a journal position before which every record is indexed,
     * then lets the journal drop what is covered. Indexing goes on meanwhile.
     */
    void checkpointNow() throws IOException {
        long position;
        synchronized (handoff) {
            position = inFlight.isEmpty() ? polledEnd : inFlight.first();
        }
        checkpointAt(position);
    }

    /** Test seam: a checkpoint that records an earlier position than it covers, as a race with indexing can. */
    void checkpointAt(long position) throws IOException {
        long t0 = System.nanoTime();
        synchronized (maintenanceLock) {
            for (Partition p : partitions.values()) {
                p.commit(position);
            }
            writeCheckpoint(position);
            long now = clock.millis();
            for (Partition p : partitions.values()) {
                if (p.hasWriter() && p.endMs + config.commitInterval().toMillis() < now) {
                    p.closeWriter();
                }
            }
        }
        if (committed != null) {
            committed.accept(position);
        }
        commitSeconds.observe((System.nanoTime() - t0) / 1e9);
    }

    @Override
    public void snapshot(Path target) {
        try {
            onMaintenanceThread(() -> {
                checkpointNow();
                Files.createDirectories(target);
                // The maintenance lock keeps every partition's latest commit on disk: a writer deletes
                // a commit's files only when a newer commit replaces it or the partition is dropped,
                // and both happen only under this lock (merges leave committed files alone).
                synchronized (maintenanceLock) {
                    for (Partition p : partitions.values()) {
                        p.snapshotTo(target.resolve(p.dir.getFileName()));
                    }
                    if (Files.exists(checkpointFile())) {
                        Files.copy(checkpointFile(), target.resolve("checkpoint"));
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot snapshot the event store into " + target, e);
        }
    }

    /** Work that reads or writes index files. */
    @FunctionalInterface
    private interface IndexWork {
        void run() throws IOException;
    }

    /**
     * A backup asks for its snapshot from a request thread, which may be interrupted. Lucene's
     * file channels close on an interrupt (for the write lock, for good: see
     * {@link #refreshOnRefreshThread}), so the work runs on the store's own thread instead and is
     * waited for through interrupts, keeping the caller's interrupt status.
     */
    private void onMaintenanceThread(IndexWork work) throws IOException {
        ScheduledExecutorService thread = maintenance;
        java.util.concurrent.Future<?> done;
        try {
            done = thread == null ? null : thread.submit(() -> {
                work.run();
                return null;
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            done = null;
        }
        if (done == null) {
            work.run(); // not started, or closing: nobody else commits
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    done.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    throw unwrap(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void retentionQuietly() {
        try {
            applyRetention();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "retention failed", e);
        }
    }

    /** Drops partitions past retention, then the oldest while over the disk budget. */
    void applyRetention() throws IOException {
        long cutoff = clock.millis() - config.retention().toMillis();
        long current = Math.floorDiv(clock.millis(), widthMs()) * widthMs();
        synchronized (maintenanceLock) {
            for (Partition p : List.copyOf(partitions.values())) {
                if (p.endMs <= cutoff) {
                    drop(p, "older than the retention of " + config.retention());
                }
            }
            if (config.diskBudgetBytes() > 0) {
                long total = sizeBytes();
                for (Partition p : List.copyOf(partitions.values())) {
                    if (total <= config.diskBudgetBytes() || p.startMs >= current) {
                        break;
                    }
                    long size = p.sizeBytes();
                    drop(p, "disk budget of " + config.diskBudgetBytes() + " bytes exceeded");
                    total -= size;
                }
            }
        }
    }

    private void drop(Partition p, String why) throws IOException {
        partitions.remove(p.startMs);
        p.drop();
        LOG.info(() -> "event store: dropped partition " + p.dir.getFileName() + " (" + why + ")");
    }

    @Override
    public SearchPage search(EventQuery query) {
        return searches.search(query);
    }

    @Override
    public java.util.Optional<EventHit> byUid(long uid, long fromUs, long toUs, Scope scope) {
        return searches.byUid(uid, fromUs, toUs, scope);
    }

    @Override
    public FacetResult facets(EventQuery query, List<String> dimensions, int top) {
        return searches.facets(query, dimensions, top);
    }

    @Override
    public Histogram histogram(EventQuery query, int buckets) {
        return searches.histogram(query, buckets);
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    @Override
    public long sizeBytes() {
        long total = 0;
        for (Partition p : partitions.values()) {
            total += p.sizeBytes();
        }
        return total;
    }

    @Override
    public ReindexStatus reindexStatus() {
        return reindexer.status();
    }

    Reindexer reindexer() {
        return reindexer;
    }

    @Override
    public int partitionCount() {
        return partitions.size();
    }

    Map<Long, Partition> partitions() {
        return partitions;
    }

    /** Test seam: stops like a killed process would, losing everything not committed. */
    void crash() throws IOException {
        running = false;
        reindexer.stop();
        for (Partition p : partitions.values()) {
            p.drop0();
        }
    }

    private static void stopAfterRunningTask(ScheduledExecutorService executor) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        reindexer.stop();
        for (Thread t : indexers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Let a running refresh or commit finish instead of interrupting it: an interrupt in
        // the middle of Lucene's I/O closes the write lock's channel, and the writer can then
        // neither commit nor close.
        stopAfterRunningTask(refresher);
        stopAfterRunningTask(maintenance);
        try {
            checkpointNow();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "final checkpoint failed; the journal replays at next start", e);
        }
        for (Partition p : partitions.values()) {
            try {
                p.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing " + p.dir + " failed", e);
            }
        }
        trash.close();
        fsyncs.close();
    }
}
