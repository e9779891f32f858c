package dev.telltale.protocol;

/**
 * ERROR: a numeric code (see {@link ErrorCode}), a human-readable message, and where it
 * applies the sequence number and the event's index within its batch (-1 when not).
 */
public record ErrorFrame(int code, String message, long seq, int index) {

    public static ErrorFrame of(ErrorCode code, String message) {
        return new ErrorFrame(code.code(), message, -1, -1);
    }

    public WireWriter encode() {
        WireWriter w = new WireWriter(64 + message.length());
        w.uint(1, code);
        w.string(2, message.length() > 1000 ? message.substring(0, 1000) : message);
        if (seq >= 0) {
            w.uint(3, seq);
        }
        if (index >= 0) {
            w.uint(4, index);
        }
        return w;
    }

    public static ErrorFrame decode(byte[] buf, int off, int len) {
        WireReader r = new WireReader(buf, off, len);
        long code = 0;
        String message = "";
        long seq = -1;
        long index = -1;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag >>> 3) {
                case 1 -> code = r.readVarint();
                case 2 -> message = r.readString(4096);
                case 3 -> seq = r.readVarint();
                case 4 -> index = r.readVarint();
                default -> r.skip(tag & 7);
            }
        }
        return new ErrorFrame((int) code, message, seq, (int) index);
    }

    public boolean fatal() {
        return ErrorCode.of(code).map(ErrorCode::fatal).orElse(true);
    }
}
