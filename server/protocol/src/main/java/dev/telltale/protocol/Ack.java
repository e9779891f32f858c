package dev.telltale.protocol;

/** ACK: every event with a sequence number up to {@code ackedSeq} is durable. */
public record Ack(long ackedSeq) {
    public WireWriter encode() {
        WireWriter w = new WireWriter(12);
        w.uint(1, ackedSeq);
        return w;
    }

    public static Ack decode(byte[] buf, int off, int len) {
        WireReader r = new WireReader(buf, off, len);
        long seq = -1;
        while (r.hasMore()) {
            int tag = r.readTag();
            if (tag == (1 << 3)) {
                seq = r.readVarint();
            } else {
                r.skip(tag & 7);
            }
        }
        if (seq < 0) {
            throw WireReader.malformed("ACK lacks acked_seq");
        }
        return new Ack(seq);
    }
}
