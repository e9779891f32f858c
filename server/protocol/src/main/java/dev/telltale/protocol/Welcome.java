package dev.telltale.protocol;

/**
 * WELCOME: the appliance's answer to a valid HELLO. {@code nextSeq} is the first sequence
 * number the appliance has not stored for this agent: the agent resends from there.
 */
public record Welcome(int protocolVersion, long agentId, long nextSeq, int maxFrameBytes,
                      int maxBatchEvents, int pingIntervalMs, String serverVersion) {

    public WireWriter encode() {
        WireWriter w = new WireWriter(64);
        w.uint(1, protocolVersion);
        w.uint(2, agentId);
        w.uint(3, nextSeq);
        w.uint(4, maxFrameBytes);
        w.uint(5, maxBatchEvents);
        w.uint(6, pingIntervalMs);
        w.string(7, serverVersion);
        return w;
    }

    public static Welcome decode(byte[] buf, int off, int len) {
        WireReader r = new WireReader(buf, off, len);
        long[] v = new long[7];
        String server = "";
        while (r.hasMore()) {
            int tag = r.readTag();
            int f = tag >>> 3;
            if (f == 7) {
                server = r.readString(256);
            } else if (f >= 1 && f <= 6 && (tag & 7) == WireReader.VARINT) {
                v[f] = r.readVarint();
            } else {
                r.skip(tag & 7);
            }
        }
        return new Welcome((int) v[1], v[2], v[3], (int) v[4], (int) v[5], (int) v[6], server);
    }
}
