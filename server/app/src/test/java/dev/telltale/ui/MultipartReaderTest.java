package dev.telltale.ui;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming multipart reader: fields and files whatever the chunking, refusals, and a fuzz. */
class MultipartReaderTest {
    private static final String B = "----tt7MA4YWxkTrZu0gW";

    @Test
    void fieldsAndAFileComeThroughWhateverTheChunking() throws IOException {
        byte[] file = tricky(70_000, 1);
        byte[] body = body(file, "preamble to ignore\r\n", "\r\nepilogue");
        for (int chunk : new int[]{1, 2, 3, 7, 64, 8192}) {
            List<MultipartReader.Part> seen = new ArrayList<>();
            List<byte[]> bodies = new ArrayList<>();
            MultipartReader r = new MultipartReader(new Chunked(body, chunk), B);
            Optional<MultipartReader.Part> p;
            while ((p = r.next()).isPresent()) {
                seen.add(p.get());
                bodies.add(p.get().body().readAllBytes());
            }
            assertEquals(3, seen.size(), "chunk " + chunk);
            assertEquals("_csrf", seen.get(0).name());
            assertEquals("tok-123", new String(bodies.get(0), StandardCharsets.UTF_8));
            assertEquals("note", seen.get(1).name());
            assertEquals("two\r\nlines", new String(bodies.get(1), StandardCharsets.UTF_8));
            assertEquals(Optional.of("telltale-0.2.0.ttu"), seen.get(2).fileName());
            assertArrayEquals(file, bodies.get(2), "chunk " + chunk);
        }
    }

    @Test
    void aLargeFileTakesFewReadsOfTheRequest() throws IOException {
        byte[] file = tricky(1 << 20, 3);
        int[] reads = {0};
        var counting = new FilterInputStream(new ByteArrayInputStream(body(file, "", ""))) {
            @Override
            public int read() throws IOException {
                reads[0]++;
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                reads[0]++;
                return super.read(b, off, len);
            }
        };
        MultipartReader r = new MultipartReader(counting, B);
        r.next();
        r.next();
        assertArrayEquals(file, r.next().orElseThrow().body().readAllBytes());
        // Each read of a request stream has a cost of its own: one per byte made an upload crawl.
        assertTrue(reads[0] < 100, reads[0] + " reads of the request for a 1 MiB file");
    }

    @Test
    void aPartLeftUnreadIsSkipped() throws IOException {
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(body(tricky(5000, 2), "", "")), B);
        r.next();
        r.next();
        MultipartReader.Part file = r.next().orElseThrow();
        assertEquals("bundle", file.name());
        assertTrue(r.next().isEmpty());
    }

    @Test
    void boundariesFromContentTypes() {
        assertEquals(Optional.of(B), MultipartReader.boundary("multipart/form-data; boundary=" + B));
        assertEquals(Optional.of("a b"), MultipartReader.boundary("multipart/form-data; boundary=\"a b\""));
        assertEquals(Optional.of("x"), MultipartReader.boundary("Multipart/Form-Data;charset=utf-8; boundary=x"));
        assertTrue(MultipartReader.boundary("multipart/form-data").isEmpty());
        assertTrue(MultipartReader.boundary("application/x-www-form-urlencoded; boundary=x").isEmpty());
        assertTrue(MultipartReader.boundary("multipart/form-data; boundary=" + "x".repeat(71)).isEmpty());
        assertTrue(MultipartReader.boundary("multipart/form-data; boundary=a\r\nb").isEmpty());
    }

    @Test
    void malformedBodiesAreRefusedClearly() {
        String head = "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
        assertMalformed(head, "no closing delimiter");
        assertMalformed("--" + B + "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + B + "--", "Content-Disposition");
        assertMalformed("--" + B + "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" + B + "--", "no field name");
        assertMalformed("--" + B + "\r\nX: " + "y".repeat(9000) + "\r\n\r\nx\r\n--" + B + "--", "headers are longer");
        assertMalformed("--" + B + "xx", "not followed by a line break");
        assertMalformed("no delimiter at all", "no closing delimiter");
    }

    @Test
    void mutatedBodiesFailOnlyAsMalformed() throws IOException {
        byte[] valid = body(tricky(300, 3), "", "");
        Random rnd = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] m = valid.clone();
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = rnd.nextInt(m.length);
                m[at] = switch (rnd.nextInt(4)) {
                    case 0 -> (byte) rnd.nextInt(256);
                    case 1 -> '\r';
                    case 2 -> '-';
                    default -> '\n';
                };
            }
            if (rnd.nextInt(5) == 0) {
                m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length));
            }
            try {
                MultipartReader r = new MultipartReader(new ByteArrayInputStream(m), B);
                int parts = 0;
                Optional<MultipartReader.Part> p;
                while ((p = r.next()).isPresent()) {
                    p.get().body().readAllBytes();
                    assertTrue(++parts < 1000);
                }
            } catch (MultipartReader.MalformedException expected) {
                // refused, as it should be
            }
        }
    }

    private static void assertMalformed(String body, String says) {
        MultipartReader.MalformedException e = assertThrows(MultipartReader.MalformedException.class, () -> {
            MultipartReader r = new MultipartReader(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), B);
            Optional<MultipartReader.Part> p;
            while ((p = r.next()).isPresent()) {
                p.get().body().readAllBytes();
            }
        });
        assertTrue(e.getMessage().contains(says), e.getMessage());
    }

    /** Bytes full of near-delimiters: line breaks, dashes, and the boundary with one byte wrong. */
    private static byte[] tricky(int n, long seed) {
        Random rnd = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < n) {
            switch (rnd.nextInt(5)) {
                case 0 -> out.writeBytes("\r\n--".getBytes(StandardCharsets.US_ASCII));
                case 1 -> out.writeBytes(("\r\n--" + B.substring(0, rnd.nextInt(B.length()))).getBytes(StandardCharsets.US_ASCII));
                case 2 -> out.writeBytes(("\r\n--" + B + "x").replace("tt7", "tt8").getBytes(StandardCharsets.US_ASCII));
                case 3 -> out.write('\r');
                default -> {
                    byte[] r = new byte[rnd.nextInt(50)];
                    rnd.nextBytes(r);
                    out.writeBytes(r);
                }
            }
        }
        return out.toByteArray();
    }

    private static byte[] body(byte[] file, String preamble, String epilogue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((preamble + "--" + B + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok-123\r\n--" + B
                + "\r\ncontent-disposition: form-data; name=\"note\"\r\n\r\ntwo\r\nlines\r\n--" + B
                + "\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"telltale-0.2.0.ttu\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + B + "--" + epilogue).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Hands out at most {@code chunk} bytes per read, as a network would. */
    private static final class Chunked extends FilterInputStream {
        private final int chunk;

        Chunked(byte[] bytes, int chunk) {
            super(new ByteArrayInputStream(bytes));
            this.chunk = chunk;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, chunk));
        }

        @Override
        public int available() {
            return 0;
        }
    }
}
