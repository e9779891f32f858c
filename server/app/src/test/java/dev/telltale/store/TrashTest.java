package dev.telltale.store;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files Lucene deletes leave the partition at once and are unlinked from the trash; the index
 * stays whole; a crash's leftovers are removed at the next open.
 */
class TrashTest {
    @TempDir
    Path root;

    @Test
    void filesACommitFreesLeaveThePartitionAndTheTrash() throws IOException {
        Path index = root.resolve("p-20261127T000000Z");
        Trash trash = Trash.open(root);
        try (Directory d = trash.wrap(FSDirectory.open(index), index);
             IndexWriter w = new IndexWriter(d, WriterSettings.create(4))) {
            for (int i = 0; i < 4000; i++) {
                Document doc = new Document();
                doc.add(new StringField("id", Integer.toString(i), Field.Store.YES));
                w.addDocument(doc);
                if (i % 500 == 0) {
                    w.commit();
                }
            }
            w.commit();
            w.forceMerge(1);
            w.commit();
            assertEquals(filesOf(d), names(index), "only the latest commit's files are left in the partition");
            assertThrows(NoSuchFileException.class, () -> d.deleteFile("_nonexistent.fdt"), "Lucene's contract");
        }
        trash.close();
        assertEquals(Set.of(), names(root.resolve(Trash.NAME)), "the trash is emptied");
        try (Directory d = FSDirectory.open(index); DirectoryReader r = DirectoryReader.open(d);
             CheckIndex check = new CheckIndex(d)) {
            assertEquals(4000, r.numDocs());
            assertTrue(check.checkIndex().clean);
        }
    }

    @Test
    void leftoversOfACrashAreDeletedAtOpen() throws IOException {
        Path dir = Files.createDirectories(root.resolve(Trash.NAME));
        Files.writeString(dir.resolve("17-_3.fdt"), "left by a crash");
        Trash.open(root).close();
        assertEquals(Set.of(), names(dir));
    }

    private static Set<String> filesOf(Directory d) throws IOException {
        Set<String> files = new TreeSet<>(SegmentInfos.readLatestCommit(d).files(true));
        files.add("write.lock");
        return files;
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
