package dev.telltale.store;

import dev.telltale.journal.JournalRecord;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rebuilds queued partitions one at a time on a single low-priority thread: every stored
 * event is turned into a document by the current {@link DocBuilder} into a new index beside
 * the partition, which is then swapped in ({@link Partition#swap}). Searching and ingest go
 * on meanwhile (docs/decisions/0022).
 */
final class Reindexer {
    private static final Logger LOG = Logger.getLogger(Reindexer.class.getName());
    private static final Set<String> SOURCE_ONLY = Set.of(Fields.SOURCE);
    /** Documents between checks for stop, a dropped partition or a failed tee. */
    static final int BATCH = 256;

    private final Supplier<IndexWriterConfig> writerConfig;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Queued> pending = new ConcurrentLinkedQueue<>();
    private final List<String> setAside = new CopyOnWriteArrayList<>();
    private final AtomicInteger partitionsDone = new AtomicInteger();
    private final AtomicLong documentsTotal = new AtomicLong();
    /** Documents of finished partitions (as counted when queued) plus those of the current one. */
    private final AtomicLong documentsBase = new AtomicLong();
    private final AtomicLong documentsCurrent = new AtomicLong();
    private volatile Optional<String> current = Optional.empty();
    private volatile Optional<Instant> started = Optional.empty();
    private volatile Optional<String> lastError = Optional.empty();
    private volatile boolean stopping;
    private Thread thread;
    /** Test seam: runs before each batch of documents, on the reindex thread. */
    volatile Runnable beforeBatch = () -> { };

    private record Queued(Partition partition, long documents) {
    }

    Reindexer(Supplier<IndexWriterConfig> writerConfig, Clock clock) {
        this.writerConfig = writerConfig;
        this.clock = clock;
    }

    void queue(Partition p) throws IOException {
        long docs = p.docCount();
        pending.add(new Queued(p, docs));
        documentsTotal.addAndGet(docs);
    }

    void setAside(String name) {
        setAside.add(name);
    }

    /** Starts the thread if anything is queued; idempotent. */
    synchronized void start() {
        if (thread != null || pending.isEmpty()) {
            return;
        }
        thread = new Thread(this::run, "telltale-store-reindex");
        thread.setPriority(Thread.MIN_PRIORITY);
        // Killing the process mid-rebuild is safe (the rebuild is redone), so it never holds up an exit.
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops after the current batch and waits for the thread; the partition being rebuilt keeps
     * its old index (its rebuild directory is discarded when the partition closes, or at the
     * next start after a crash).
     */
    synchronized void stop() {
        stopping = true;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    ReindexStatus status() {
        long done = documentsBase.get() + documentsCurrent.get();
        long total = documentsTotal.get();
        Optional<Duration> remaining = started.flatMap(t -> {
            long elapsedMs = Duration.between(t, clock.instant()).toMillis();
            if (done == 0 || elapsedMs <= 0 || pending.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(Math.max(0, total - done) * elapsedMs / done));
        });
        return new ReindexStatus(pending.size(), partitionsDone.get(), done, total, current, started, remaining,
                lastError, setAside);
    }

    private void run() {
        started = Optional.of(clock.instant());
        LOG.info(() -> "event store: rebuilding " + pending.size() + " partitions written in an older format ("
                + documentsTotal.get() + " events); search and ingest go on meanwhile");
        Queued q;
        while (!stopping && (q = pending.peek()) != null) {
            Partition p = q.partition();
            String name = p.dir.getFileName().toString();
            current = Optional.of(name);
            documentsCurrent.set(0);
            try {
                long t0 = System.nanoTime();
                Outcome o = rebuild(p);
                if (o == Outcome.STOPPED) {
                    break;
                }
                if (o == Outcome.DONE) {
                    partitionsDone.incrementAndGet();
                    LOG.info(() -> "event store: rebuilt partition " + name + " (" + documentsCurrent.get() + " events in "
                            + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s)");
                }
            } catch (IOException | RuntimeException e) {
                lastError = Optional.of(name + ": " + e);
                LOG.log(Level.SEVERE, "event store: rebuilding partition " + name + " failed; it stays searchable in its "
                        + "old format and is rebuilt again at the next start", e);
            }
            documentsCurrent.set(0);
            documentsBase.addAndGet(q.documents());
            pending.poll();
        }
        current = Optional.empty();
    }

    private enum Outcome { DONE, DROPPED, STOPPED }

    private Outcome rebuild(Partition p) throws IOException {
        checkFreeSpace(p);
        Rebuild r = new Rebuild(p.rebuildDir(), writerConfig.get());
        Optional<DirectoryReader> snapshot;
        try {
            snapshot = p.beginRebuild(r);
        } catch (IOException | RuntimeException e) {
            r.abort();
            throw e;
        }
        if (snapshot.isEmpty()) {
            r.abort();
            return Outcome.DROPPED;
        }
        try (DirectoryReader reader = snapshot.get()) {
            Outcome copied = copy(reader, p, r);
            if (copied != Outcome.DONE) {
                p.cancelRebuild(r);
                return copied;
            }
        } catch (IOException | RuntimeException e) {
            p.cancelRebuild(r);
            if (p.dropped()) {
                return Outcome.DROPPED; // retention closed the rebuild under our feet: nothing is lost
            }
            throw e;
        }
        if (r.failure().isPresent()) {
            Throwable f = r.failure().get();
            p.cancelRebuild(r);
            throw new StoreException("events arriving during the rebuild could not be added to it", f);
        }
        return p.swap(r) ? Outcome.DONE : Outcome.DROPPED;
    }

    /**
     * The rebuild needs about the partition's size again until the swap; refusing up front
     * keeps the disk from filling under ingest (the partition stays searchable as it is).
     */
    private static void checkFreeSpace(Partition p) throws IOException {
        long need = p.sizeBytes() + p.sizeBytes() / 4;
        long free = Files.getFileStore(p.dir).getUsableSpace();
        if (free < need) {
            throw new IOException("not enough free disk space to rebuild: needs about " + need + " bytes, "
                    + free + " are free; free some space and restart");
        }
    }

        private Outcome copy(DirectoryReader reader, Partition p, Rebuild r) throws IOException {
        DocBuilder b = new DocBuilder();
        int inBatch = 0;
        for (LeafReaderContext leaf : reader.leaves()) {
            StoredFields stored = leaf.reader().storedFields();
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                if (live != null && !live.get(doc)) {
                    continue; // a block Lucene refused at ingest; its events were added again one by one
                }
                if (inBatch++ % BATCH == 0) {
                    beforeBatch.run();
                    if (stopping) {
                        return Outcome.STOPPED;
                    }
                    if (p.dropped()) {
                        return Outcome.DROPPED;
                    }
                    if (r.failure().isPresent()) {
                        return Outcome.DONE; // reported by the caller
                    }
                }
                BytesRef src = stored.document(doc, SOURCE_ONLY).getBinaryValue(Fields.SOURCE);
                if (src == null) {
                    throw new IllegalStateException("document " + doc + " of " + p.dir.getFileName() + " has no stored event");
                }
                JournalRecord event = StoredEvent.asRecord(src.bytes, src.offset, src.length);
                try {
                    r.add(b.build(event, 0));
                } catch (IllegalArgumentException refused) {
                    // As at ingest: an event whose full document Lucene refuses keeps its context.
                    r.add(b.buildMinimal(event, 0));
                }
                documentsCurrent.incrementAndGet();
            }
        }
        return Outcome.DONE;
    }
}
