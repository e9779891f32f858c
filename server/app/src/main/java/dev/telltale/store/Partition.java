package dev.telltale.store;

import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.NRTCachingDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One time partition of the store (events received in [{@code startMs}, {@code endMs})), a
 * Lucene index in its own directory. The writer is opened only while the partition receives
 * events; otherwise searches use a plain reader. Commits run while indexing goes on and record
 * a journal position before which every record is in the commit; records after it may be in
 * the commit too, which replay detects by their unique ids.
 */
final class Partition implements AutoCloseable {
    static final String POSITION = "journal_position";
    /*
     * Near-real-time refreshes flush a small segment four times a second while someone searches;
     * those (and merges of them) stay in memory until the next commit writes them out, instead
     * of being created, written and mostly deleted again on disk between two commits.
     */
    private static final double NRT_MAX_SEGMENT_MB = 5.0;
    private static final double NRT_MAX_CACHED_MB = 48.0;

    final long startMs;
    final long endMs;
    final Path dir;
    /** Replaced only when a rebuilt index is swapped in, under the exclusive lifecycle lock. */
    private volatile Directory directory;
    private final Supplier<IndexWriterConfig> writerConfig;
    private final Trash trash;
    private final Fsyncs fsyncs;
    /** Blocks until every journal record handed to the store is durable (decision 39). */
    private final Runnable awaitHandedDurable;
    private final AtomicLong minTs = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong maxTs = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong adds = new AtomicLong();
    /**
     * Adds, refreshes and searcher acquisition hold it shared; closing the writer, swapping in a
     * rebuilt index or dropping the partition hold it exclusively.
     */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile long committedAdds;
    private volatile IndexWriter writer;
    private volatile SearcherManager manager;
    private volatile long committedPosition;
    private long[] committedUids;
    private volatile IndexFormat format;
    /** The rebuild that adds are teed to, while one runs. */
    private volatile Rebuild rebuild;
    private volatile boolean dropped;

    /**
     * Opens the partition's index, or starts an empty one.
     *
     * @throws IOException when Lucene cannot read the index (the store sets such a partition aside)
     */
    Partition(Path dir, long startMs, long endMs, Supplier<IndexWriterConfig> writerConfig, Trash trash,
            Fsyncs fsyncs, Runnable awaitHandedDurable)
            throws IOException {
        this.dir = dir;
        this.trash = trash;
        this.fsyncs = fsyncs;
        this.awaitHandedDurable = awaitHandedDurable;
        this.startMs = startMs;
        this.endMs = endMs;
        this.writerConfig = writerConfig;
        Files.createDirectories(dir);
        openIndex(false);
    }

    private void openIndex(boolean withWriter) throws IOException {
        Directory files = fsyncs.wrap(trash.wrap(FSDirectory.open(dir), dir));
        directory = new NRTCachingDirectory(files, NRT_MAX_SEGMENT_MB, NRT_MAX_CACHED_MB);
        try {
            if (DirectoryReader.indexExists(directory)) {
                SegmentInfos infos = SegmentInfos.readLatestCommit(directory);
                format = IndexFormat.of(infos);
                committedPosition = Long.parseLong(infos.getUserData().getOrDefault(POSITION, "0"));
                manager = new SearcherManager(directory, null);
                IndexSearcher s = manager.acquire();
                try {
                    timeRange(s.getIndexReader());
                } finally {
                    manager.release(s);
                }
                if (withWriter) {
                    openWriter();
                }
            } else {
                format = IndexFormat.current();
                openWriter();
            }
        } catch (IOException | RuntimeException e) {
            closeIndex(false);
            throw e;
        }
    }

    /** Closes the searchers, the writer (without committing) and the directory. */
    private void closeIndex(boolean keepGoing) throws IOException {
        IOException first = null;
        try {
            if (manager != null) {
                manager.close();
            }
        } catch (IOException e) {
            first = e;
        }
        IndexWriter w = writer;
        writer = null;
        if (w != null) {
            try {
                w.rollback();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        directory.close();
        if (first != null && !keepGoing) {
            throw first;
        }
    }

    /** How the latest commit was written (as read at open or after a rebuild). */
    IndexFormat format() {
        return format;
    }

    /** Documents searchable now (for progress estimates). */
    int docCount() throws IOException {
        IndexSearcher s = acquire();
        try {
            return s.getIndexReader().numDocs();
        } finally {
            release(s);
        }
    }

    /** Where a rebuild of this partition is written: beside it, never mistaken for a partition. */
    Path rebuildDir() {
        return dir.resolveSibling(dir.getFileName() + ".reindex");
    }

    boolean dropped() {
        return dropped;
    }

    /**
     * Starts teeing every add to {@code r} and returns a reader of exactly the documents added
     * before (the caller copies them and closes it); empty when the partition was dropped.
     * Adds wait for the moment this takes (the writer's buffer is flushed).
     */
    java.util.Optional<DirectoryReader> beginRebuild(Rebuild r) throws IOException {
        lifecycle.writeLock().lock();
        try {
            if (dropped) {
                return java.util.Optional.empty();
            }
            IndexWriter w = writer;
            DirectoryReader snapshot = w != null ? DirectoryReader.open(w) : DirectoryReader.open(directory);
            rebuild = r;
            return java.util.Optional.of(snapshot);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Stops teeing to {@code r} and deletes it. */
    void cancelRebuild(Rebuild r) {
        lifecycle.writeLock().lock();
        try {
            if (rebuild == r) {
                rebuild = null;
            }
            r.abort();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * Replaces this partition's index with the finished rebuild: commits it with this
     * partition's journal position and the current layout, closes the old index, renames the
     * directories and reopens. Adds and searches wait for it (renames and an open, not a copy).
     * A crash at any point leaves either the old index or the committed new one under
     * {@link #dir}; the store's open sorts out leftovers ({@code .old}, {@code .reindex}).
     *
     * @return false when the rebuild failed or the partition was dropped meanwhile (the rebuild is discarded)
     * @throws IOException when the swap failed; the old index is back in place when possible
     */
    boolean swap(Rebuild r) throws IOException {
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        lifecycle.writeLock().lock();
        try {
            if (rebuild == r) {
                rebuild = null;
            }
            if (dropped || r.failure().isPresent()) {
                r.abort();
                return false;
            }
            try {
                awaitHandedDurable.run(); // adds wait for our lock: the rebuild holds what it holds
            } catch (RuntimeException e) {
                r.abort();
                throw new IOException("the journal cannot make the rebuilt partition's last events durable", e);
            }
            r.commitAndClose(Map.of(POSITION, Long.toString(committedPosition),
                    IndexFormat.LAYOUT_KEY, Integer.toString(DocBuilder.LAYOUT)));
            boolean hadWriter = writer != null;
            // The old writer must be closed before its directory is renamed: closing it later
            // would delete its unreferenced files by name in whatever directory has the path then.
            closeIndex(true);
            try {
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(r.dir, dir, StandardCopyOption.ATOMIC_MOVE);
                syncParent();
            } catch (IOException e) {
                if (!Files.exists(dir) && Files.exists(old)) {
                    Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
                }
                openIndex(hadWriter);
                r.abort();
                throw e;
            }
            openIndex(hadWriter);
            committedAdds = adds.get();
        } finally {
            lifecycle.writeLock().unlock();
        }
        Rebuild.deleteTree(old);
        return true;
    }

    private void syncParent() throws IOException {
        try (FileChannel d = FileChannel.open(dir.getParent(), StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** The event-time range actually indexed, read from the points themselves. */
    private void timeRange(IndexReader reader) throws IOException {
        byte[] min = PointValues.getMinPackedValue(reader, Fields.TS);
        byte[] max = PointValues.getMaxPackedValue(reader, Fields.TS);
        if (min != null && max != null) {
            // Widen, never narrow: after a swap, an add waiting for the lock has already widened
            // the range for documents the reopened index does not hold yet.
            minTs.accumulateAndGet(LongPoint.decodeDimension(min, 0), Math::min);
            maxTs.accumulateAndGet(LongPoint.decodeDimension(max, 0), Math::max);
        }
    }

    long committedPosition() {
        return committedPosition;
    }

    long minTs() {
        return minTs.get();
    }

    long maxTs() {
        return maxTs.get();
    }

    boolean overlaps(long fromUs, long toUs) {
        return minTs.get() <= toUs && maxTs.get() >= fromUs;
    }

    private synchronized IndexWriter openWriter() throws IOException {
        if (writer == null) {
            IndexWriter w = new IndexWriter(directory, writerConfig.get());
            SearcherManager old = manager;
            manager = new SearcherManager(w, null);
            writer = w;
            if (old != null) {
                old.close();
            }
        }
        return writer;
    }

    /** Adds documents atomically (all or none are committed together). Thread-safe. */
    void add(List<List<IndexableField>> docs, long batchMinTs, long batchMaxTs) throws IOException {
        // Widen the range first: a commit or reader that holds these documents must also know their times.
        minTs.accumulateAndGet(batchMinTs, Math::min);
        maxTs.accumulateAndGet(batchMaxTs, Math::max);
        lifecycle.readLock().lock();
        try {
            IndexWriter w = writer != null ? writer : openWriter();
            w.addDocuments(docs);
            adds.incrementAndGet();
            Rebuild r = rebuild;
            if (r != null) {
                r.tee(docs);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Commits what was added so far, recording {@code position}: every journal record before
     * it must already be added. Adds may continue meanwhile.
     */
    void commit(long position) throws IOException {
        lifecycle.readLock().lock();
        try {
            IndexWriter w = writer;
            long seen = adds.get();
            if (w == null || seen == committedAdds) {
                return;
            }
            // The partition's own layout, not the current one: a partition waiting for its
            // rebuild must still say so after a restart.
            w.setLiveCommitData(Map.of(POSITION, Long.toString(position),
                    IndexFormat.LAYOUT_KEY, Integer.toString(format.layout())).entrySet());
            // Two phases (decision 39): the prepared commit holds what was added before it, from
            // records that may not be durable yet; it becomes the partition's commit only once the
            // journal holds them all.
            w.prepareCommit();
            try {
                awaitHandedDurable.run();
            } catch (RuntimeException e) {
                // Never finish a commit of events the journal may lose. The writer is closed: adds
                // fail from now on, the store reports itself unhealthy and a restart replays the journal.
                w.rollback();
                throw e;
            }
            w.commit();
            committedAdds = seen;
            committedPosition = position;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Closes the writer of a partition whose time has passed, keeping it searchable. */
    void closeWriter() throws IOException {
        lifecycle.writeLock().lock();
        try {
            IndexWriter w = writer;
            if (w == null || adds.get() != committedAdds) {
                return;
            }
            SearcherManager old = manager;
            manager = new SearcherManager(directory, null);
            writer = null;
            old.close();
            w.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * Links (or copies) the files of the latest commit into {@code target}; nothing when the
     * partition never committed (replay indexes its records again). The caller keeps commits
     * and drops from running meanwhile.
     */
    void snapshotTo(Path target) throws IOException {
        if (!DirectoryReader.indexExists(directory)) {
            return;
        }
        SegmentInfos commit = SegmentInfos.readLatestCommit(directory);
        Files.createDirectories(target);
        for (String name : commit.files(true)) {
            Path from = dir.resolve(name);
            Path to = target.resolve(name);
            try {
                Files.createLink(to, from);
            } catch (UnsupportedOperationException | IOException e) {
                // Another file system, or links not allowed: a copy is as good, only slower.
                Files.deleteIfExists(to);
                Files.copy(from, to);
            }
        }
    }

    boolean hasWriter() {
        return writer != null;
    }

    /**
     * For replay: whether the last commit holds the document with this unique id. Answered
     * from the commit that existed at open, which is what a crash left behind. The first call
     * reads every committed id at or above its own (replay asks in increasing order), so no
     * per-document index of ids is needed at ingest.
     */
    synchronized boolean committedHas(long uid) throws IOException {
        if (committedUids == null) {
            committedUids = readCommittedUids(uid);
        }
        return java.util.Arrays.binarySearch(committedUids, uid) >= 0;
    }

    private long[] readCommittedUids(long floor) throws IOException {
        if (!DirectoryReader.indexExists(directory)) {
            return new long[0];
        }
        long[] out = new long[1024];
        int n = 0;
        try (DirectoryReader r = DirectoryReader.open(directory)) {
            for (var leaf : r.leaves()) {
                var values = org.apache.lucene.index.DocValues.getNumeric(leaf.reader(), Fields.UID);
                for (int doc = values.nextDoc(); doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
                     doc = values.nextDoc()) {
                    long v = values.longValue();
                    if (v >= floor) {
                        if (n == out.length) {
                            out = java.util.Arrays.copyOf(out, n * 2);
                        }
                        out[n++] = v;
                    }
                }
            }
        }
        long[] sorted = java.util.Arrays.copyOf(out, n);
        java.util.Arrays.sort(sorted);
        return sorted;
    }

    /** Releases what replay needed. */
    synchronized void replayDone() {
        committedUids = null;
    }

    private volatile long refreshedNanos = System.nanoTime();
    /** Held by the refreshes that depend on the searcher's age, so two never flush one after the other. */
    private final ReentrantLock refreshing = new ReentrantLock();

    void refreshBlocking() throws IOException {
        long t = System.nanoTime();
        lifecycle.readLock().lock();
        try {
            if (!dropped) {
                manager.maybeRefreshBlocking();
                refreshedNanos = t;
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Refreshes when the searcher is older than {@code maxAgeNanos}; waits for it. A refresh of
     * this kind already running is waited for first, and usually leaves the searcher young
     * enough. Returns whether it refreshed.
     */
    boolean refreshIfOlder(long maxAgeNanos) throws IOException {
        return refreshIfOlder(maxAgeNanos, true);
    }

    /** As {@link #refreshIfOlder(long)}, but does nothing while another such refresh runs. */
    boolean refreshIfOlderUnlessBusy(long maxAgeNanos) throws IOException {
        return refreshIfOlder(maxAgeNanos, false);
    }

    private boolean refreshIfOlder(long maxAgeNanos, boolean wait) throws IOException {
        if (!olderThan(maxAgeNanos)) {
            return false;
        }
        if (wait) {
            refreshing.lock();
        } else if (!refreshing.tryLock()) {
            return false;
        }
        try {
            if (!olderThan(maxAgeNanos)) {
                return false;
            }
            refreshBlocking();
            return true;
        } finally {
            refreshing.unlock();
        }
    }

    /** Whether {@link #refreshIfOlder} would refresh now (it checks again). */
    boolean needsRefresh(long maxAgeNanos) {
        return olderThan(maxAgeNanos);
    }

    private boolean olderThan(long maxAgeNanos) {
        return writer != null && System.nanoTime() - refreshedNanos > maxAgeNanos;
    }

    /** A searcher to {@link #release}; never null. */
    IndexSearcher acquire() throws IOException {
        // Shared with adds: waits only while a rebuilt index is swapped in or the writer closes.
        lifecycle.readLock().lock();
        try {
            while (true) {
                SearcherManager m = manager;
                try {
                    return m.acquire();
                } catch (AlreadyClosedException e) {
                    if (m == manager) {
                        throw e;
                    }
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    void release(IndexSearcher s) throws IOException {
        s.getIndexReader().decRef();
    }

    long sizeBytes() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() throws IOException {
        shut(false);
    }

    /** Closes without committing, as a crash would; the files stay. */
    void drop0() throws IOException {
        shut(true);
    }

    private void shut(boolean discardUncommitted) throws IOException {
        lifecycle.writeLock().lock();
        try {
            replayDone();
            Rebuild r = rebuild;
            rebuild = null;
            if (r != null) {
                if (discardUncommitted) {
                    r.abandon();
                } else {
                    r.abort();
                }
            }
            if (manager != null) {
                manager.close();
            }
            if (writer != null) {
                if (discardUncommitted) {
                    writer.rollback();
                } else {
                    writer.close();
                }
                writer = null;
            }
            directory.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Closes without committing and deletes the partition's files. */
    void drop() throws IOException {
        lifecycle.writeLock().lock();
        try {
            dropped = true;
            Rebuild r = rebuild;
            rebuild = null;
            if (r != null) {
                r.abort();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
        drop0();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
