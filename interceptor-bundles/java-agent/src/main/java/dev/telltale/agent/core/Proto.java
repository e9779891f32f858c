package dev.telltale.agent.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A protobuf wire-format writer for the few shapes events need (docs/protocol.md §2): varints
 * and length-delimited strings, bytes and nested messages. Not thread-safe.
 */
final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    /** Appends a varint field. */
    Proto varint(int field, long v) {
        tag(field, 0);
        raw(v);
        return this;
    }

    /** Appends a string field cut to {@code maxBytes} of UTF-8, never inside a character. */
    Proto string(int field, String s, int maxBytes) {
        return bytes(field, utf8(s, maxBytes));
    }

    /** Appends a length-delimited field. */
    Proto bytes(int field, byte[] b) {
        tag(field, 2);
        raw(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    /** Bytes written so far. */
    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wire) {
        raw(((long) field << 3) | wire);
    }

    private void raw(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** UTF-8 of s, at most maxBytes long, cut at a character boundary. */
    static byte[] utf8(String s, int maxBytes) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= maxBytes) {
            return b;
        }
        int n = maxBytes;
        while (n > 0 && (b[n] & 0xC0) == 0x80) {
            n--;
        }
        byte[] cut = new byte[n];
        System.arraycopy(b, 0, cut, 0, n);
        return cut;
    }
}
