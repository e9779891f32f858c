package dev.telltale.store;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.MergeScheduler;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Decision 42: merges yield the cores to the threads on an event's way to search. Their threads
 * run at the lowest Java priority, which the JVM turns into nice 10 when it is started as the
 * appliance's launchers start it (and as this module's tests run).
 */
class MergePriorityTest {
    /** What a merge saw of its own thread: Java priority and, on Linux, the nice value (or -100). */
    private record Seen(int priority, int nice) {
    }

    @Test
    void mergesRunAtTheLowestPriority() throws Exception {
        IndexWriterConfig c = WriterSettings.create(16);
        assertInstanceOf(WriterSettings.LowPriorityMerges.class, c.getMergeScheduler(), "the store's writers use it");
        List<Seen> seen = new CopyOnWriteArrayList<>();
        c.setMergeScheduler(new WriterSettings.LowPriorityMerges() {
            @Override
            protected void doMerge(MergeScheduler.MergeSource source, MergePolicy.OneMerge merge) throws IOException {
                seen.add(new Seen(Thread.currentThread().getPriority(), ownNice()));
                super.doMerge(source, merge);
            }
        });
        try (Directory d = new ByteBuffersDirectory(); IndexWriter w = new IndexWriter(d, c)) {
            for (int i = 0; i < 6; i++) {
                Document doc = new Document();
                doc.add(new StringField("path", "/tmp/f" + i, Field.Store.YES));
                w.addDocument(doc);
                w.commit(); // a segment each
            }
            w.forceMerge(1);
            w.commit();
            assertEquals(1, SegmentInfos.readLatestCommit(d).size());
        }
        assertFalse(seen.isEmpty(), "a merge ran");
        boolean mapped = ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:ThreadPriorityPolicy=1")
                && ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:JavaPriority1_To_OSPriority=10");
        for (Seen s : seen) {
            assertEquals(Thread.MIN_PRIORITY, s.priority());
            if (mapped && s.nice() != -100) {
                assertEquals(10, s.nice(), "the merge thread's nice value");
            }
        }
    }

    /** This thread's nice value from /proc, or -100 where there is none. */
    private static int ownNice() {
        Path stat = Path.of("/proc/thread-self/stat");
        try {
            String s = Files.readString(stat);
            // Fields after the command name, which may hold spaces: state is the first, nice the 17th.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[16]);
        } catch (IOException | RuntimeException e) {
            return -100;
        }
    }
}
