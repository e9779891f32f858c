package dev.telltale.store;

import org.apache.lucene.codecs.compressing.Compressor;
import org.apache.lucene.codecs.compressing.Decompressor;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's codec keeps every stored byte through flushes, sliced large documents and
 * merges; segments of the first codec stay readable and merge into the current one; a damaged
 * zstd frame is reported as a corrupt index.
 */
class StoreCodecTest {
    @TempDir
    Path dir;

    @Test
    void storedFieldsSurviveFlushesSlicesAndMerges() throws IOException {
        Random rnd = new Random(42);
        List<byte[]> expected = new ArrayList<>();
        try (Directory d = FSDirectory.open(dir); IndexWriter w = new IndexWriter(d, WriterSettings.create(4))) {
            for (int i = 0; i < 3000; i++) {
                // Mostly event-sized documents, some empty, a few far over a chunk (60 KiB) so
                // the writer slices them, and text that compresses next to bytes that do not.
                int size = i % 500 == 7 ? 200_000 + rnd.nextInt(50_000) : i % 97 == 0 ? 0 : rnd.nextInt(4000);
                byte[] v = i % 3 == 0 ? randomBytes(rnd, size) : textLike(rnd, size);
                expected.add(v);
                w.addDocument(doc(i, v));
                if (i % 700 == 0) {
                    w.flush();
                }
            }
            w.commit();
            assertDocs(d, expected);
            assertCodecs(d, Set.of(StoreCodec.NAME));
            w.forceMerge(1);
            w.commit();
        }
        try (Directory d = FSDirectory.open(dir)) {
            assertDocs(d, expected);
            assertClean(d);
        }
    }

    @Test
    void segmentsOfTheFirstCodecStayReadableAndMergeIntoTheCurrentOne() throws IOException {
        Random rnd = new Random(7);
        List<byte[]> expected = new ArrayList<>();
        IndexWriterConfig old = new IndexWriterConfig(QueryParsing.analyzer()).setCodec(new StoreCodecV1());
        try (Directory d = FSDirectory.open(dir); IndexWriter w = new IndexWriter(d, old)) {
            for (int i = 0; i < 1500; i++) {
                byte[] v = textLike(rnd, rnd.nextInt(3000));
                expected.add(v);
                w.addDocument(doc(i, v));
            }
            w.commit();
        }
        try (Directory d = FSDirectory.open(dir); IndexWriter w = new IndexWriter(d, WriterSettings.create(4))) {
            for (int i = 1500; i < 3000; i++) {
                byte[] v = textLike(rnd, rnd.nextInt(3000));
                expected.add(v);
                w.addDocument(doc(i, v));
            }
            w.commit();
            assertCodecs(d, Set.of(StoreCodecV1.NAME, StoreCodec.NAME));
            assertDocs(d, expected);
            w.forceMerge(1);
            w.commit();
            assertCodecs(d, Set.of(StoreCodec.NAME));
        }
        try (Directory d = FSDirectory.open(dir)) {
            assertDocs(d, expected);
            assertClean(d);
        }
    }

    @Test
    void aDamagedFrameIsACorruptIndex() throws IOException {
        byte[] chunk = textLike(new Random(3), 50_000);
        byte[] frame = compress(chunk);
        BytesRef out = new BytesRef();
        decompressor().decompress(new ByteArrayDataInput(frame), chunk.length, 100, 900, out);
        assertArrayEquals(Arrays.copyOfRange(chunk, 100, 1000),
                Arrays.copyOfRange(out.bytes, out.offset, out.offset + out.length), "a slice of the chunk");

        byte[] flipped = frame.clone();
        flipped[flipped.length / 2] ^= 0x5a;
        assertThrows(CorruptIndexException.class, () -> decompressor()
                .decompress(new ByteArrayDataInput(flipped), chunk.length, 0, 10, new BytesRef()), "damaged frame");
        assertThrows(CorruptIndexException.class, () -> decompressor()
                .decompress(new ByteArrayDataInput(frame), chunk.length + 1, 0, 10, new BytesRef()), "wrong length");
        byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        assertThrows(CorruptIndexException.class, () -> decompressor()
                .decompress(new ByteArrayDataInput(huge), chunk.length, 0, 10, new BytesRef()), "frame length");
        assertThrows(CorruptIndexException.class, () -> decompressor()
                .decompress(new ByteArrayDataInput(frame), chunk.length, chunk.length - 5, 10, new BytesRef()),
                "slice past the chunk");
    }

    private static byte[] compress(byte[] chunk) throws IOException {
        ByteBuffersDataOutput out = new ByteBuffersDataOutput();
        try (Compressor c = ZstdCompressionMode.INSTANCE.newCompressor()) {
            c.compress(new ByteBuffersDataInput(List.of(ByteBuffer.wrap(chunk))), out);
        }
        return out.toArrayCopy();
    }

    private static Decompressor decompressor() {
        return ZstdCompressionMode.INSTANCE.newDecompressor().clone();
    }

    private static Document doc(int id, byte[] stored) {
        Document doc = new Document();
        doc.add(new StringField("id", Integer.toString(id), Field.Store.YES));
        doc.add(new StoredField("_src", stored));
        return doc;
    }

    private static void assertDocs(Directory d, List<byte[]> expected) throws IOException {
        try (DirectoryReader r = DirectoryReader.open(d)) {
            assertEquals(expected.size(), r.numDocs());
            StoredFields sf = r.storedFields();
            for (int doc = 0; doc < r.maxDoc(); doc++) {
                Document got = sf.document(doc);
                int id = Integer.parseInt(got.get("id"));
                BytesRef v = got.getBinaryValue("_src");
                assertArrayEquals(expected.get(id), Arrays.copyOfRange(v.bytes, v.offset, v.offset + v.length),
                        "stored bytes of document " + id);
            }
        }
    }

    private static void assertCodecs(Directory d, Set<String> names) throws IOException {
        Set<String> got = new TreeSet<>();
        for (SegmentCommitInfo s : SegmentInfos.readLatestCommit(d)) {
            got.add(s.info.getCodec().getName());
        }
        assertEquals(new TreeSet<>(names), got);
    }

    private static void assertClean(Directory d) throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (CheckIndex check = new CheckIndex(d)) {
            check.setInfoStream(new PrintStream(log, true, StandardCharsets.UTF_8));
            CheckIndex.Status status = check.checkIndex();
            assertTrue(status.clean, () -> log.toString(StandardCharsets.UTF_8));
        }
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] textLike(Random rnd, int n) {
        String[] words = {"/usr/lib/x86_64-linux-gnu/", "libssl.so.3", "open", "O_RDONLY", "python3", "GET /api",
            "0x7f3a", "connect", "10.0.0.", "/proc/self/maps", "bearer", "process_start"};
        StringBuilder sb = new StringBuilder(n + 32);
        while (sb.length() < n) {
            sb.append(words[rnd.nextInt(words.length)]).append(rnd.nextInt(1000)).append(' ');
        }
        return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.UTF_8), n);
    }
}
