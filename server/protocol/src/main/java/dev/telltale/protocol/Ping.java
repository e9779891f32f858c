package dev.telltale.protocol;

/** PING and PONG payload: an opaque nonce echoed back and the sender's clock. */
public record Ping(long nonce, long timeUs) {
    public WireWriter encode() {
        WireWriter w = new WireWriter(24);
        w.uint(1, nonce);
        w.uint(2, timeUs);
        return w;
    }

    public static Ping decode(byte[] buf, int off, int len) {
        WireReader r = new WireReader(buf, off, len);
        long nonce = 0, time = 0;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag >>> 3) {
                case 1 -> nonce = r.readVarint();
                case 2 -> time = r.readVarint();
                default -> r.skip(tag & 7);
            }
        }
        return new Ping(nonce, time);
    }
}
