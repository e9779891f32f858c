package dev.telltale.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Appends protobuf-compatible wire encoding to a growable buffer. Not thread-safe. */
public final class WireWriter {
    private byte[] buf;
    private int size;

    public WireWriter() {
        this(256);
    }

    public WireWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    public int size() {
        return size;
    }

    public byte[] buffer() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    public void reset() {
        size = 0;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    public void writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    public void writeRaw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    public void writeVarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    public static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    public void writeTag(int field, int wireType) {
        writeVarint(((long) field << 3) | wireType);
    }

    public void uint(int field, long v) {
        writeTag(field, WireReader.VARINT);
        writeVarint(v);
    }

    public void sint(int field, long v) {
        writeTag(field, WireReader.VARINT);
        writeVarint((v << 1) ^ (v >> 63));
    }

    public void bool(int field, boolean v) {
        uint(field, v ? 1 : 0);
    }

    public void string(int field, String s) {
        bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    public void bytes(int field, byte[] b) {
        bytes(field, b, 0, b.length);
    }

    public void bytes(int field, byte[] b, int off, int len) {
        writeTag(field, WireReader.LEN);
        writeVarint(len);
        writeRaw(b, off, len);
    }

    /** Writes another writer's content as a length-delimited field. */
    public void message(int field, WireWriter sub) {
        bytes(field, sub.buf, 0, sub.size);
    }
}
