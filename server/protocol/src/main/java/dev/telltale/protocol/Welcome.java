package dev.telltale.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * WELCOME: the appliance's answer to a valid HELLO. {@code nextSeq} is the first sequence
 * number the appliance has not stored for this agent: the agent resends from there.
 * {@code trace} lists the packages whose methods Java agents of this component version should
 * trace (package URLs), present only when the HELLO asked for it.
 */
public record Welcome(int protocolVersion, long agentId, long nextSeq, int maxFrameBytes,
                      int maxBatchEvents, int pingIntervalMs, String serverVersion, Optional<List<String>> trace) {
    /** Most package URLs one WELCOME lists. */
    public static final int MAX_TRACE = 1000;

    public Welcome {
        trace = trace.map(List::copyOf);
    }

    /** A WELCOME without a trace list. */
    public Welcome(int protocolVersion, long agentId, long nextSeq, int maxFrameBytes, int maxBatchEvents,
                   int pingIntervalMs, String serverVersion) {
        this(protocolVersion, agentId, nextSeq, maxFrameBytes, maxBatchEvents, pingIntervalMs, serverVersion,
                Optional.empty());
    }

    public WireWriter encode() {
        WireWriter w = new WireWriter(64);
        w.uint(1, protocolVersion);
        w.uint(2, agentId);
        w.uint(3, nextSeq);
        w.uint(4, maxFrameBytes);
        w.uint(5, maxBatchEvents);
        w.uint(6, pingIntervalMs);
        w.string(7, serverVersion);
        // Field 9 says the list is there even when it is empty (field 8 repeats once per package).
        trace.ifPresent(t -> {
            t.forEach(p -> w.string(8, p));
            w.uint(9, t.size());
        });
        return w;
    }

    public static Welcome decode(byte[] buf, int off, int len) {
        WireReader r = new WireReader(buf, off, len);
        long[] v = new long[7];
        String server = "";
        List<String> trace = new ArrayList<>();
        boolean traced = false;
        while (r.hasMore()) {
            int tag = r.readTag();
            int f = tag >>> 3;
            if (f == 7) {
                server = r.readString(256);
            } else if (f == 8 && trace.size() < MAX_TRACE) {
                trace.add(r.readString(2048));
            } else if (f == 9 && (tag & 7) == WireReader.VARINT) {
                r.readVarint();
                traced = true;
            } else if (f >= 1 && f <= 6 && (tag & 7) == WireReader.VARINT) {
                v[f] = r.readVarint();
            } else {
                r.skip(tag & 7);
            }
        }
        return new Welcome((int) v[1], v[2], v[3], (int) v[4], (int) v[5], (int) v[6], server,
                traced ? Optional.of(trace) : Optional.empty());
    }
}
