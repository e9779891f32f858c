package dev.telltale.store;

import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.tests.store.BaseDirectoryTestCase;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Lucene's contract suite for directories (creating, renaming, deleting, listing, syncing,
 * reading while deleting) against a partition's file-system layer: deletes through the store's
 * {@link Trash}, syncs spread over {@link Fsyncs}.
 */
public class PartitionDirectoryContractTest extends BaseDirectoryTestCase {
    @Override
    protected Directory getDirectory(Path path) throws IOException {
        Trash trash = Trash.open(path.resolveSibling(path.getFileName() + "-store"));
        Fsyncs fsyncs = new Fsyncs();
        return new FilterDirectory(fsyncs.wrap(trash.wrap(new MMapDirectory(path), path))) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    trash.close();
                    fsyncs.close();
                }
            }
        };
    }
}
