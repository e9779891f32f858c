package dev.telltale.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The journal's second thread (decision 39): it writes what the journal thread appended
 * (decision 41: with direct I/O the journal thread only fills buffers), makes it durable and then
 * has the groups answered, oldest first, while the journal thread goes on with the next ones.
 * One write and fsync cover every group handed over before they started, so while the device is
 * slow the groups queue here instead of in front of the journal thread, which keeps handing new
 * records to the store.
 *
 * <p>Segments: the journal thread hands over the segment it rolled away from ({@link #retire})
 * only once a barrier group added before it is answered, and nothing of the new one is written
 * before (decision 40: nothing of a new segment can be durable before the old one's end); this
 * thread writes and forces the new segment's first bytes and the directory entry before answering
 * any group written into it, then cuts and closes the old one.
 */
final class GroupSyncer {
    private static final Logger LOG = Logger.getLogger(GroupSyncer.class.getName());

    /** Where the outcome of a sync goes: called on this thread, in the order groups were written. */
    interface Outcome {
        /**
         * Everything up to {@code end} is durable; answer {@code groups}. May block.
         * {@code fsyncSeconds}: how long the writes and the sync took, or -1 when nothing new needed one.
         */
        void durable(long end, List<WrittenGroup> groups, double fsyncSeconds) throws InterruptedException;

        /**
         * A new segment's first bytes and directory entry are durable: it may be listed. Called
         * before any group written into it is answered.
         */
        void begun();

        /** The sync failed: nothing of {@code groups} may be acknowledged. */
        void failed(IOException e, List<WrittenGroup> groups);
    }

    private final Path dir;
    private final Outcome outcome;
    private final Object lock = new Object();
    private final Thread thread;
    // Guarded by lock.
    private List<WrittenGroup> waiting = new ArrayList<>();
    private final List<SegmentAppender> retired = new ArrayList<>();
    private SegmentAppender current;
    private long writtenEnd;
    private boolean newSegment;
    private boolean stopping;
    private boolean broken;
    /** End of what the last successful sync covered (this thread only). */
    private long syncedEnd;

    GroupSyncer(Path dir, Outcome outcome) {
        this.dir = dir;
        this.outcome = outcome;
        this.thread = new Thread(this::run, "telltale-journal-sync");
        thread.setDaemon(false);
    }

    void start() {
        thread.start();
    }

    /** A group appended to {@code segment} (through its end, {@code end}), to write and answer once durable. */
    void add(WrittenGroup group, SegmentAppender segment, long end) {
        synchronized (lock) {
            waiting.add(group);
            current = segment;
            writtenEnd = Math.max(writtenEnd, end);
            lock.notifyAll();
        }
    }

    /**
     * The journal thread moved on from {@code old} to {@code next} (its first bytes appended):
     * both are this thread's to write and sync, and {@code old} to close. Call once {@code old} is durable.
     */
    void retire(SegmentAppender old, SegmentAppender next) {
        synchronized (lock) {
            retired.add(old);
            current = next;
            newSegment = true;
            lock.notifyAll();
        }
    }

    /** Answers what is waiting, closes retired segments and stops the thread. */
    void close() {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (true) {
            List<WrittenGroup> groups;
            List<SegmentAppender> closing;
            SegmentAppender segment;
            boolean created;
            long end;
            synchronized (lock) {
                while (waiting.isEmpty() && retired.isEmpty() && !newSegment && !stopping) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (waiting.isEmpty() && retired.isEmpty() && !newSegment) {
                    return; // stopping, and nothing left
                }
                groups = waiting;
                waiting = new ArrayList<>();
                closing = List.copyOf(retired);
                retired.clear();
                segment = current;
                created = newSegment;
                newSegment = false;
                end = writtenEnd;
            }
            try {
                cycle(groups, closing, segment, created, end);
            } catch (InterruptedException e) {
                // Nobody interrupts this thread; if someone did, stop answering rather than answer wrongly.
                outcome.failed(new IOException("the journal's sync thread was interrupted"), List.of());
                synchronized (lock) {
                    broken = true;
                }
                return;
            } catch (RuntimeException | Error e) {
                // A bug or out of memory: stop acknowledging rather than acknowledge wrongly.
                LOG.log(Level.SEVERE, "the journal's sync thread failed", e);
                outcome.failed(new IOException("the journal's sync thread failed", e), groups);
                synchronized (lock) {
                    broken = true;
                }
                return;
            }
        }
    }

    private void cycle(List<WrittenGroup> groups, List<SegmentAppender> closing, SegmentAppender segment,
                       boolean created, long end) throws InterruptedException {
        long t0 = System.nanoTime();
        double seconds = -1;
        IOException failure = null;
        try {
            if (!broken && (end > syncedEnd || created)) {
                if (segment != null) {
                    segment.forceWritten(created); // a new file: its size and the blocks that hold it
                }
                if (created) {
                    SegmentFiles.fsyncDirectory(dir);
                    outcome.begun();
                }
                syncedEnd = end;
                seconds = (System.nanoTime() - t0) / 1e9;
            }
        } catch (IOException e) {
            failure = e;
        }
        if (broken || failure != null) {
            outcome.failed(failure != null ? failure : new IOException("an earlier sync failed"), groups);
            synchronized (lock) {
                broken = true;
            }
        } else if (!groups.isEmpty()) {
            outcome.durable(end, groups, seconds);
        }
        for (SegmentAppender old : closing) {
            try {
                old.close(); // already durable: this cuts the direct-I/O padding
            } catch (IOException e) {
                LOG.log(Level.WARNING, "journal: closing a finished segment failed", e);
            }
        }
    }
}
