package dev.telltale.store;

import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.FSDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One time partition of the store (events received in [{@code startMs}, {@code endMs})), a
 * Lucene index in its own directory. The writer is opened only while the partition receives
 * events; otherwise searches use a plain reader. The last commit records the journal
 * position it covers, so replay after a crash never indexes a record twice.
 */
final class Partition implements AutoCloseable {
    static final String POSITION = "journal_position";
    static final String MIN_TS = "min_ts";
    static final String MAX_TS = "max_ts";

    final long startMs;
    final long endMs;
    final Path dir;
    private final FSDirectory directory;
    private final Supplier<IndexWriterConfig> writerConfig;
    private final AtomicLong minTs = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong maxTs = new AtomicLong(Long.MIN_VALUE);
    private volatile IndexWriter writer;
    private volatile SearcherManager manager;
    private volatile long committedPosition;
    private volatile boolean dirty;

    Partition(Path dir, long startMs, long endMs, Supplier<IndexWriterConfig> writerConfig) throws IOException {
        this.dir = dir;
        this.startMs = startMs;
        this.endMs = endMs;
        this.writerConfig = writerConfig;
        Files.createDirectories(dir);
        this.directory = FSDirectory.open(dir);
        if (DirectoryReader.indexExists(directory)) {
            Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
            committedPosition = Long.parseLong(data.getOrDefault(POSITION, "0"));
            minTs.set(Long.parseLong(data.getOrDefault(MIN_TS, Long.toString(Long.MAX_VALUE))));
            maxTs.set(Long.parseLong(data.getOrDefault(MAX_TS, Long.toString(Long.MIN_VALUE))));
            manager = new SearcherManager(directory, null);
        } else {
            openWriter();
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

    void add(List<List<IndexableField>> docs, long batchMinTs, long batchMaxTs) throws IOException {
        IndexWriter w = writer != null ? writer : openWriter();
        w.addDocuments(docs);
        minTs.accumulateAndGet(batchMinTs, Math::min);
        maxTs.accumulateAndGet(batchMaxTs, Math::max);
        dirty = true;
    }

    /** Commits if anything was added since the last commit. Caller excludes concurrent adds. */
    void commit(long position) throws IOException {
        IndexWriter w = writer;
        if (w == null || !dirty) {
            return;
        }
        w.setLiveCommitData(Map.of(POSITION, Long.toString(position), MIN_TS, Long.toString(minTs.get()),
                MAX_TS, Long.toString(maxTs.get())).entrySet());
        w.commit();
        committedPosition = position;
        dirty = false;
    }

    /** Closes the writer of a partition whose time has passed, keeping it searchable. */
    synchronized void closeWriter() throws IOException {
        IndexWriter w = writer;
        if (w == null || dirty) {
            return;
        }
        SearcherManager old = manager;
        manager = new SearcherManager(directory, null);
        writer = null;
        old.close();
        w.close();
    }

    boolean hasWriter() {
        return writer != null;
    }

    void refresh() throws IOException {
        manager.maybeRefresh();
    }

    void refreshBlocking() throws IOException {
        manager.maybeRefreshBlocking();
    }

    /** A searcher to {@link #release}; never null. */
    IndexSearcher acquire() throws IOException {
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
    public synchronized void close() throws IOException {
        if (manager != null) {
            manager.close();
        }
        if (writer != null) {
            writer.close();
            writer = null;
        }
        directory.close();
    }

    /** Closes without committing, as a crash would; the files stay. */
    synchronized void drop0() throws IOException {
        if (manager != null) {
            manager.close();
        }
        if (writer != null) {
            writer.rollback();
            writer = null;
        }
        directory.close();
    }

    /** Closes without committing and deletes the partition's files. */
    synchronized void drop() throws IOException {
        drop0();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
