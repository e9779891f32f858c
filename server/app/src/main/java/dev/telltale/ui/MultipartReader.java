package dev.telltale.ui;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A streaming reader of {@code multipart/form-data} (RFC 7578): parts one after the other, each
 * body an {@link InputStream} that ends at the next delimiter, so a file of any size passes
 * through a buffer of {@value #BUFFER_BYTES} bytes. Headers are bounded; anything malformed is a
 * {@link MalformedException}, never another failure.
 */
final class MultipartReader {
    static final int MAX_HEADER_BYTES = 8 * 1024;
    /** The parser looks at one byte at a time: it must not cost a read of the request each. */
    static final int BUFFER_BYTES = 64 * 1024;
    private static final Pattern NAME = Pattern.compile("(?i);\\s*name=\"([^\"]{1,200})\"");
    private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename=\"([^\"]{0,255})\"");
    private final PushbackInputStream in;
    private final byte[] delimiter;
    private boolean started;
    private boolean finished;
    private PartStream current;

    /** One part: its field name, the file name when it is a file, and its body (read it, or not, before the next). */
    record Part(String name, Optional<String> fileName, InputStream body) {
    }

    /** The body is not well-formed multipart. */
    static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    MultipartReader(InputStream in, String boundary) {
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.in = new PushbackInputStream(new BufferedInputStream(in, BUFFER_BYTES), delimiter.length + 2);
    }

    /** The boundary of a {@code multipart/form-data} content type, if it names a valid one. */
    static Optional<String> boundary(String contentType) {
        Matcher m = Pattern.compile("(?i)^multipart/form-data\\s*;.*\\bboundary=(\"?)([0-9A-Za-z'()+_,./:=? -]{1,70})\\1\\s*(;.*)?$")
                .matcher(contentType.trim());
        return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
    }

    /** The next part, after skipping what is left of the current one; empty after the last. */
    Optional<Part> next() throws IOException {
        if (current != null) {
            current.transferTo(OutputStreamNull.INSTANCE);
        } else if (!started) {
            started = true;
            // The first delimiter has no line break before it: give it one, then skip the preamble.
            in.unread(new byte[]{'\r', '\n'});
            new PartStream().transferTo(OutputStreamNull.INSTANCE);
        }
        if (finished) {
            return Optional.empty();
        }
        int a = in.read();
        int b = in.read();
        if (a == '-' && b == '-') {
            finished = true;
            return Optional.empty();
        }
        while (a == ' ' || a == '\t') { // transport padding
            a = b;
            b = in.read();
        }
        if (a != '\r' || b != '\n') {
            throw new MalformedException("a part delimiter is not followed by a line break");
        }
        String headers = readHeaders();
        String disposition = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
                disposition = line.substring(colon + 1).trim();
            }
        }
        if (disposition == null || !disposition.toLowerCase(java.util.Locale.ROOT).startsWith("form-data")) {
            throw new MalformedException("a part has no Content-Disposition: form-data header");
        }
        Matcher name = NAME.matcher(disposition);
        if (!name.find()) {
            throw new MalformedException("a part has no field name");
        }
        Matcher file = FILENAME.matcher(disposition);
        current = new PartStream();
        return Optional.of(new Part(name.group(1), file.find() ? Optional.of(file.group(1)) : Optional.empty(), current));
    }

    private String readHeaders() throws IOException {
        byte[] buf = new byte[MAX_HEADER_BYTES];
        int n = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new MalformedException("the body ends inside a part's headers");
            }
            if (n == buf.length) {
                throw new MalformedException("a part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
            }
            buf[n++] = (byte) c;
            if (n >= 4 && buf[n - 4] == '\r' && buf[n - 3] == '\n' && buf[n - 2] == '\r' && buf[n - 1] == '\n') {
                return new String(buf, 0, n - 4, StandardCharsets.UTF_8);
            }
            if (n == 2 && buf[0] == '\r' && buf[1] == '\n') {
                return ""; // no headers at all
            }
        }
    }

    /** A part's body: ends (-1) where the next delimiter begins; the delimiter itself is consumed. */
    private final class PartStream extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            int matched = 0;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new MalformedException("the body ends inside a part (no closing delimiter)");
                }
                if (c == (delimiter[matched] & 0xff)) {
                    matched++;
                    if (matched == delimiter.length) {
                        done = true;
                        return -1;
                    }
                    continue;
                }
                if (matched == 0) {
                    return c;
                }
                // Not the delimiter after all: its first byte is data; look again from the second.
                in.unread(c);
                in.unread(delimiter, 1, matched - 1);
                return delimiter[0] & 0xff;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                int c = read();
                if (c < 0) {
                    return n == 0 ? -1 : n;
                }
                b[off + n++] = (byte) c;
            }
            return n;
        }
    }

    /** Discards bytes. */
    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
