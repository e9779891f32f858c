package dev.telltale.store;

import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Index files are deleted by renaming them into a trash directory beside the partitions and
 * unlinking them on a background thread. Lucene deletes the files a commit frees (the segments
 * merged away since the last one, often hundreds of megabytes) while holding its writer's
 * monitor, which every refresh needs: unlinking them on ext4 under write-back took up to 0.9 s,
 * and no new event became searchable meanwhile (docs/decisions/0034). A rename is one small
 * metadata change. Whatever a crash leaves in the trash is deleted at the next open.
 */
final class Trash implements Closeable {
    private static final Logger LOG = Logger.getLogger(Trash.class.getName());
    static final String NAME = ".trash";

    private final Path dir;
    private final AtomicLong seq = new AtomicLong();
    private final ThreadPoolExecutor unlinker;

    private Trash(Path dir) {
        this.dir = dir;
        // When the unlinker falls this far behind, the deleting thread unlinks for itself.
        unlinker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "telltale-store-unlink");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** The trash under {@code parent}, emptied of what an earlier run left in it. */
    static Trash open(Path parent) throws IOException {
        Path dir = parent.resolve(NAME);
        Files.createDirectories(dir);
        try (Stream<Path> left = Files.list(dir)) {
            for (Path p : left.toList()) {
                Files.deleteIfExists(p);
            }
        }
        return new Trash(dir);
    }

    /** {@code fs} (the file-system directory of {@code indexDir}), deleting through this trash. */
    Directory wrap(Directory fs, Path indexDir) {
        return new FilterDirectory(fs) {
            @Override
            public void deleteFile(String name) throws IOException {
                Path target = dir.resolve(seq.incrementAndGet() + "-" + name);
                try {
                    Files.move(indexDir.resolve(name), target, StandardCopyOption.ATOMIC_MOVE);
                } catch (NoSuchFileException e) {
                    throw e;
                } catch (IOException e) {
                    // Not renameable (another file system, permissions): delete in place.
                    in.deleteFile(name);
                    return;
                }
                unlinker.execute(() -> unlink(target));
            }
        };
    }

    private static void unlink(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete " + p + "; it is deleted at the next start", e);
        }
    }

    /** Unlinks what is queued (bounded wait); what is left is deleted at the next open. */
    @Override
    public void close() {
        unlinker.shutdown();
        try {
            unlinker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
