package dev.telltale.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf-compatible wire encoding (varint and length-delimited fields) from a byte
 * range. Every read is bounds-checked; malformed input raises {@link ProtocolException}
 * with {@link ErrorCode#MALFORMED_FRAME} and never reads outside the range.
 */
public final class WireReader {
    public static final int VARINT = 0;
    public static final int I64 = 1;
    public static final int LEN = 2;
    public static final int I32 = 5;

    private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(() ->
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));

    private final byte[] buf;
    private int pos;
    /** The end of the range being read: the buffer's or, inside {@link #enterMessage}, the message's. */
    private int limit;

    public WireReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public WireReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new IllegalArgumentException("range outside buffer");
        }
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    public boolean hasMore() {
        return pos < limit;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return limit - pos;
    }

    public byte[] buffer() {
        return buf;
    }

    /** Reads a field tag; returns it as (field number << 3 | wire type). */
    public int readTag() {
        long tag = readVarint();
        if (tag <= 0 || tag > Integer.MAX_VALUE || (tag >>> 3) == 0) {
            throw malformed("invalid field tag " + tag);
        }
        return (int) tag;
    }

    public long readVarint() {
        // Tags and most lengths and numbers of telemetry fit in one byte.
        if (pos < limit) {
            byte b = buf[pos];
            if (b >= 0) {
                pos++;
                return b;
            }
        }
        return readVarintSlow();
    }

    private long readVarintSlow() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw malformed("truncated varint");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    public long readSInt() {
        long v = readVarint();
        return (v >>> 1) ^ -(v & 1);
    }

    /** Reads a length prefix and checks that many bytes remain. */
    public int readLength() {
        long len = readVarint();
        if (len < 0 || len > remaining()) {
            throw malformed("length " + len + " exceeds the " + remaining() + " bytes left");
        }
        return (int) len;
    }

    public String readString(int maxBytes) {
        int len = readLength();
        if (len > maxBytes) {
            throw malformed("string of " + len + " bytes exceeds the limit of " + maxBytes);
        }
        String s = decodeUtf8(buf, pos, len);
        pos += len;
        return s;
    }

    public byte[] readBytes(int maxBytes) {
        int len = readLength();
        if (len > maxBytes) {
            throw malformed("byte field of " + len + " bytes exceeds the limit of " + maxBytes);
        }
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    /** Returns a reader over the next length-delimited field and advances past it. */
    public WireReader readMessage() {
        int len = readLength();
        WireReader sub = new WireReader(buf, pos, len);
        pos += len;
        return sub;
    }

    /**
     * Confines reading to the next length-delimited field, as {@link #readMessage} does but
     * without a second reader: read the message's fields with this reader, then call
     * {@link #exitMessage} with the value returned here.
     *
     * @return the enclosing range's end, for {@link #exitMessage}
     * @throws ProtocolException when the length prefix is malformed or exceeds the range
     */
    public int enterMessage() {
        int len = readLength();
        int outer = limit;
        limit = pos + len;
        return outer;
    }

    /** Continues after the message {@link #enterMessage} entered, whatever of it was read. */
    public void exitMessage(int outerLimit) {
        pos = limit;
        limit = outerLimit;
    }

    /** Advances past {@code n} bytes of the current range. */
    public void skipBytes(int n) {
        advance(n);
    }

    public void skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case LEN -> {
                // Not "pos += readLength()": Java reads pos before the call moves it past the prefix.
                int len = readLength();
                pos += len;
            }
            case I64 -> advance(8);
            case I32 -> advance(4);
            default -> throw malformed("unsupported wire type " + wireType);
        }
    }

    private void advance(int n) {
        if (remaining() < n) {
            throw malformed("truncated fixed-size field");
        }
        pos += n;
    }

    /** Strict UTF-8: malformed sequences are refused, not replaced. */
    static String decodeUtf8(byte[] b, int off, int len) {
        boolean ascii = true;
        for (int i = off, end = off + len; i < end; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer cb = UTF8.get().reset().decode(ByteBuffer.wrap(b, off, len));
            return cb.toString();
        } catch (CharacterCodingException e) {
            throw malformed("string is not valid UTF-8");
        }
    }

    static ProtocolException malformed(String message) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, message);
    }
}
