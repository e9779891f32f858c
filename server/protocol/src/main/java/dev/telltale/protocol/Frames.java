package dev.telltale.protocol;

/**
 * Frame layout: one byte of {@link FrameType}, a four-byte big-endian payload length, then
 * the payload (protobuf-compatible fields).
 */
public final class Frames {
    /** Bytes before the payload. */
    public static final int HEADER = 5;
    /** Current protocol version; the only one this build speaks. */
    public static final int PROTOCOL_VERSION = 1;
    /** Default and upper bound of the frame payload size an appliance accepts. */
    public static final int DEFAULT_MAX_FRAME = 4 << 20;
    /** Upper bound of a batch's decompressed events. */
    public static final int DEFAULT_MAX_BATCH_BYTES = 32 << 20;
    public static final int DEFAULT_MAX_BATCH_EVENTS = 20_000;

    private Frames() {
    }

    /** Builds a whole frame (header and payload). */
    public static byte[] frame(FrameType type, WireWriter payload) {
        return frame(type, payload.buffer(), 0, payload.size());
    }

    public static byte[] frame(FrameType type, byte[] payload, int off, int len) {
        byte[] out = new byte[HEADER + len];
        out[0] = (byte) type.code();
        out[1] = (byte) (len >>> 24);
        out[2] = (byte) (len >>> 16);
        out[3] = (byte) (len >>> 8);
        out[4] = (byte) len;
        System.arraycopy(payload, off, out, HEADER, len);
        return out;
    }
}
