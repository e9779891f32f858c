package dev.telltale.store;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Merges run at the configured nice value; the threads that index keep theirs (decision 36). */
class BackgroundMergeSchedulerTest {
    @TempDir
    Path root;

    @Test
    void aThreadLowersOnlyItsOwnPriority() throws Exception {
        int before = niceOfThisThread();
        AtomicInteger seen = new AtomicInteger(-100);
        Thread t = Thread.ofPlatform().start(() -> {
            assertTrue(ThreadNice.lowerCurrentThread(Math.max(before, 7)), "setpriority is reachable on Linux");
            seen.set(niceOfThisThread());
        });
        t.join();
        assertEquals(Math.max(before, 7), seen.get(), "the thread runs at the nice value it asked for");
        assertEquals(before, niceOfThisThread(), "the thread that started it is unchanged");
        assertThrows(IllegalArgumentException.class, () -> ThreadNice.lowerCurrentThread(20));
        assertThrows(IllegalArgumentException.class, () -> new BackgroundMergeScheduler(-1));
    }

    @Test
    void mergedSegmentsAreWrittenByThreadsAtTheMergeNiceValue() throws IOException {
        Set<Integer> mergeNice = ConcurrentHashMap.newKeySet();
        Set<Integer> otherNice = ConcurrentHashMap.newKeySet();
        Path index = root.resolve("index");
        try (Directory d = new FilterDirectory(FSDirectory.open(index)) {
            @Override
            public IndexOutput createOutput(String name, IOContext context) throws IOException {
                (context.context() == IOContext.Context.MERGE ? mergeNice : otherNice).add(niceOfThisThread());
                return super.createOutput(name, context);
            }
        }; IndexWriter w = new IndexWriter(d, WriterSettings.create(4, 12))) {
            for (int i = 0; i < 3000; i++) {
                Document doc = new Document();
                doc.add(new StringField("id", Integer.toString(i), Field.Store.YES));
                w.addDocument(doc);
                if (i % 300 == 299) {
                    w.commit();
                }
            }
            w.forceMerge(1);
            w.commit();
            try (DirectoryReader r = DirectoryReader.open(d)) {
                assertEquals(3000, r.numDocs());
                assertEquals(1, r.leaves().size(), "the ten segments were merged into one");
            }
        }
        assertEquals(Set.of(Math.max(niceOfThisThread(), 12)), mergeNice, "every merged file is written at nice 12");
        assertEquals(Set.of(niceOfThisThread()), otherNice, "flushes and commits keep the indexing thread's priority");
    }

    /** Field 19 of /proc/thread-self/stat; the fields after the command name (which may hold spaces) start at 3. */
    static int niceOfThisThread() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[19 - 3]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
