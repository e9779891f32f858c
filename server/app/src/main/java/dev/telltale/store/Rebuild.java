package dev.telltale.store;

import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.store.FSDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A partition's index being rebuilt in {@code <partition>.reindex}: the reindexer adds the
 * documents of a snapshot, the partition tees every add made after that snapshot, and the
 * partition swaps it in when the reindexer is done (docs/decisions/0022).
 */
final class Rebuild {
    final Path dir;
    private final FSDirectory directory;
    private final IndexWriter writer;
    private volatile Throwable failure;

    Rebuild(Path dir, IndexWriterConfig config) throws IOException {
        this.dir = dir;
        deleteTree(dir);
        Files.createDirectories(dir);
        this.directory = FSDirectory.open(dir);
        config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        config.setCommitOnClose(false);
        try {
            this.writer = new IndexWriter(directory, config);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** One document of the snapshot. Lucene refusing it is the caller's to handle (IllegalArgumentException). */
    void add(List<IndexableField> doc) throws IOException {
        writer.addDocument(doc);
    }

    /**
     * Documents the partition took after the snapshot. Never throws: ingest must not fail
     * because a background rebuild did; the rebuild is marked failed and discarded instead.
     */
    void tee(List<List<IndexableField>> docs) {
        if (failure != null) {
            return;
        }
        try {
            writer.addDocuments(docs);
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    void fail(Throwable e) {
        failure = e;
    }

    /** Commits with {@code userData} and closes, ready to be moved into the partition's place. */
    void commitAndClose(Map<String, String> userData) throws IOException {
        writer.setLiveCommitData(userData.entrySet());
        writer.commit();
        writer.close();
        directory.close();
    }

    /** Closes without committing and deletes the directory. */
    void abort() {
        abandon();
        try {
            deleteTree(dir);
        } catch (IOException e) {
            // The next start deletes a leftover rebuild directory anyway.
        }
    }

    /** Closes without committing and leaves the files, as a killed process would. */
    void abandon() {
        try {
            writer.rollback();
        } catch (IOException | RuntimeException e) {
            // Already closed, or the files are to be deleted: nothing to keep.
        }
        try {
            directory.close();
        } catch (IOException e) {
            // As above.
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
