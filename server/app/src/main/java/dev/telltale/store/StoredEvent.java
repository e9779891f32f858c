package dev.telltale.store;

import dev.telltale.journal.AgentContext;
import dev.telltale.protocol.WireReader;
import dev.telltale.protocol.WireWriter;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;

/**
 * The stored form of one event in the index: its context, sequence number, times and the
 * (sanitized) event bytes. Rendering a search hit needs nothing else.
 */
record StoredEvent(long uid, long seq, long tsUs, long receivedMs, AgentContext context, Event event) {

    static void encode(WireWriter w, long uid, long seq, long tsUs, long receivedMs, AgentContext c, byte[] event) {
        w.uint(1, uid);
        w.uint(2, c.agentId());
        w.uint(3, seq);
        w.uint(4, tsUs);
        w.uint(5, receivedMs);
        w.uint(6, c.teamId());
        w.string(7, c.teamName());
        w.string(8, c.application());
        w.string(9, c.component());
        w.string(10, c.version());
        w.string(11, c.hostname());
        w.bytes(12, event);
        w.string(13, c.agentInstance());
    }

    static StoredEvent decode(byte[] b, int off, int len) {
        WireReader r = new WireReader(b, off, len);
        long uid = 0, agent = 0, seq = 0, ts = 0, received = 0, team = 0;
        String teamName = "", app = "", comp = "", ver = "", host = "", instance = "";
        Event event = null;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag >>> 3) {
                case 1 -> uid = r.readVarint();
                case 2 -> agent = r.readVarint();
                case 3 -> seq = r.readVarint();
                case 4 -> ts = r.readVarint();
                case 5 -> received = r.readVarint();
                case 6 -> team = r.readVarint();
                case 7 -> teamName = r.readString(1024);
                case 8 -> app = r.readString(1024);
                case 9 -> comp = r.readString(1024);
                case 10 -> ver = r.readString(1024);
                case 11 -> host = r.readString(1024);
                case 12 -> {
                    int n = r.readLength();
                    event = EventCodec.decode(b, r.position(), n, false);
                    r.skipBytes(n);
                }
                case 13 -> instance = r.readString(1024);
                default -> r.skip(tag & 7);
            }
        }
        if (event == null) {
            throw new IllegalStateException("stored event " + uid + " lacks its event bytes");
        }
        return new StoredEvent(uid, seq, ts, received,
                new AgentContext(agent, instance, team, teamName, app, comp, ver, host), event);
    }
}
