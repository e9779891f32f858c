package dev.telltale.protocol;

import java.util.regex.Pattern;

/**
 * GAP: the agent declares that the events with sequence numbers
 * {@code firstSeq .. firstSeq + count - 1} are lost (spool full, rejected, corrupt spool).
 * The appliance records the loss and acknowledges the range like a batch.
 */
public record GapFrame(long firstSeq, long count, String reason, String detail) {
    private static final Pattern REASON = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public WireWriter encode() {
        WireWriter w = new WireWriter(64);
        w.uint(1, firstSeq);
        w.uint(2, count);
        w.string(3, reason);
        if (!detail.isEmpty()) {
            w.string(4, detail);
        }
        return w;
    }

    /** @throws ProtocolException {@link ErrorCode#MALFORMED_FRAME} when a field is missing or invalid */
    public static GapFrame decode(byte[] buf, int off, int len) {
        WireReader r = new WireReader(buf, off, len);
        long first = 0, count = 0;
        String reason = null, detail = "";
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag >>> 3) {
                case 1 -> first = r.readVarint();
                case 2 -> count = r.readVarint();
                case 3 -> reason = r.readString(64);
                case 4 -> detail = r.readString(1024);
                default -> throw WireReader.malformed("unknown GAP field " + (tag >>> 3));
            }
        }
        if (first < 1 || count < 1 || count > (1L << 40) || reason == null || !REASON.matcher(reason).matches()) {
            throw WireReader.malformed("GAP needs first_seq >= 1, 1 <= count <= 2^40 and a reason of [a-z0-9_]");
        }
        return new GapFrame(first, count, reason, detail);
    }
}
