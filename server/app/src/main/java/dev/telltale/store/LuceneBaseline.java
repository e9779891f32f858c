package dev.telltale.store;

import dev.telltale.journal.JournalRecord;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.store.FSDirectory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark baseline: indexes journal records into a bare {@link IndexWriter} with exactly the
 * documents and writer settings of the event store, and nothing else (no TLS, protocol,
 * journal, partitions or refreshes). The ingest benchmark compares the appliance against it.
 */
public final class LuceneBaseline implements AutoCloseable {
    private final IndexWriter writer;
    private final ThreadLocal<DocBuilder> builders = ThreadLocal.withInitial(DocBuilder::new);

    public LuceneBaseline(Path dir, int ramBufferMb) throws IOException {
        IndexWriterConfig c = WriterSettings.create(ramBufferMb);
        writer = new IndexWriter(FSDirectory.open(dir), c);
    }

    /** Builds and adds the record's documents; safe to call from several threads. */
    public void index(JournalRecord r) throws IOException {
        DocBuilder b = builders.get();
        List<List<IndexableField>> docs = new ArrayList<>(r.size());
        for (int i = 0; i < r.size(); i++) {
            docs.add(b.build(r, i));
        }
        writer.addDocuments(docs);
    }

    /** Commits, so the baseline pays for durability of its index as the store does. */
    public void commit() throws IOException {
        writer.commit();
    }

    public long docs() {
        return writer.getDocStats().numDocs;
    }

    @Override
    public void close() throws IOException {
        writer.close();
        writer.getDirectory().close();
    }
}
