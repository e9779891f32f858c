package dev.telltale.store;

import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A commit's fsyncs, spread over threads, still all happen before it goes on, and fail it when one fails. */
class FsyncsTest {
    @TempDir
    Path dir;

    private final Fsyncs fsyncs = new Fsyncs();

    @AfterEach
    void close() {
        fsyncs.close();
    }

    @Test
    void syncsEveryFileAndCountsThem() throws IOException {
        try (Directory d = fsyncs.wrap(FSDirectory.open(dir))) {
            List<String> names = write(d, 40);
            d.sync(names);
            d.sync(List.of(names.get(0)));
            assertEquals(41, fsyncs.filesSynced());
        }
    }

    @Test
    void aFileThatCannotBeSyncedFailsTheWholeSync() throws IOException {
        try (Directory d = fsyncs.wrap(FSDirectory.open(dir))) {
            List<String> names = new ArrayList<>(write(d, 10));
            names.add(5, "_missing.cfs");
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> d.sync(names));
            assertTrue(e.getMessage().contains("_missing.cfs"), e.getMessage());
        }
    }

    @Test
    void anInterruptedCommitStillWaitsForItsFilesAndKeepsTheInterrupt() throws IOException {
        try (Directory d = fsyncs.wrap(FSDirectory.open(dir))) {
            List<String> all = new ArrayList<>(write(d, 20));
            all.add("_missing.si");
            Thread.currentThread().interrupt();
            try {
                assertThrows(NoSuchFileException.class, () -> d.sync(all), "the failure is still reported");
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            }
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSyncAfterCloseStillSyncsInTheCallingThread() throws IOException {
        try (Directory d = fsyncs.wrap(FSDirectory.open(dir))) {
            List<String> names = write(d, 5);
            fsyncs.close();
            d.sync(names);
            assertEquals(5, fsyncs.filesSynced());
        }
    }

    private static List<String> write(Directory d, int n) throws IOException {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "_" + i + ".cfs";
            try (IndexOutput out = d.createOutput(name, IOContext.DEFAULT)) {
                out.writeBytes(new byte[4096], 4096);
            }
            names.add(name);
        }
        return names;
    }
}
