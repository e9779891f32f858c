package dev.telltale.store;

import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fsyncs a commit's index files several at a time. Lucene fsyncs the files written since the
 * last commit one after the other, and on ext4 each fsync is a journal commit and a device
 * flush that the event journal's acknowledgements queue behind: hundreds per commit, for
 * seconds. Fsyncs that run together share the file system's journal commits instead
 * (docs/decisions/0038). A commit returns only after every file is synced, and fails with the
 * first file that could not be.
 */
final class Fsyncs implements Closeable {
    private static final int THREADS = 8;

    private final ThreadPoolExecutor pool;
    private final LongAdder files = new LongAdder();

    Fsyncs() {
        AtomicInteger n = new AtomicInteger();
        // A full queue (or a closed pool) makes the committing thread fsync for itself: bounded,
        // and never a task dropped that a commit would wait for.
        pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096), r -> {
            Thread t = new Thread(r, "telltale-store-fsync-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (task, executor) -> task.run());
        pool.allowCoreThreadTimeOut(true);
    }

    /** {@code fs}, its {@link Directory#sync} spread over this pool. */
    Directory wrap(Directory fs) {
        return new FilterDirectory(fs) {
            @Override
            public void sync(Collection<String> names) throws IOException {
                Fsyncs.this.sync(in, names);
            }
        };
    }

    /** Index files fsynced through {@link #wrap} since this was created. */
    long filesSynced() {
        return files.sum();
    }

    private void sync(Directory d, Collection<String> names) throws IOException {
        files.add(names.size());
        if (names.size() < 2) {
            d.sync(names);
            return;
        }
        List<Future<?>> pending = new ArrayList<>(names.size());
        for (String name : names) {
            pending.add(pool.submit(() -> {
                try {
                    d.sync(List.of(name));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        awaitAll(pending);
    }

    /** Waits for every fsync even when interrupted: a commit must not outrun its files. */
    private static void awaitAll(List<Future<?>> pending) throws IOException {
        IOException first = null;
        boolean interrupted = false;
        for (Future<?> f : pending) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    IOException failure = e.getCause() instanceof UncheckedIOException u ? u.getCause()
                            : new IOException("fsync failed", e.getCause());
                    if (first == null) {
                        first = failure;
                    } else {
                        first.addSuppressed(failure);
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
