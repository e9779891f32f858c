package dev.telltale.store;

import dev.telltale.journal.AgentContext;
import dev.telltale.journal.JournalRecord;
import dev.telltale.protocol.WireReader;
import dev.telltale.protocol.WireWriter;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;

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

    /**
     * The stored event as a one-event journal record, so that {@link DocBuilder} rebuilds its
     * document from exactly the bytes it was built from at ingest (the reindex reads nothing else).
     *
     * @throws IllegalStateException when the stored form lacks its event or names no known type
     */
    static JournalRecord asRecord(byte[] b, int off, int len) {
        WireReader r = new WireReader(b, off, len);
        long uid = 0, agent = 0, seq = 0, ts = 0, received = 0, team = 0;
        String teamName = "", app = "", comp = "", ver = "", host = "", instance = "";
        byte[] event = null;
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
                case 12 -> event = r.readBytes(Integer.MAX_VALUE);
                case 13 -> instance = r.readString(1024);
                default -> r.skip(tag & 7);
            }
        }
        if (event == null) {
            throw new IllegalStateException("stored event " + uid + " lacks its event bytes");
        }
        long code = typeCode(event);
        final long id = uid;
        EventType type = EventType.ofCode(code)
                .orElseThrow(() -> new IllegalStateException("stored event " + id + " has unknown type " + code));
        AgentContext c = new AgentContext(agent, instance, team, teamName, app, comp, ver, host);
        return new JournalRecord(0, 0, c, seq, seq, uid, ts, received, new EventType[]{type}, new long[]{0},
                new byte[][]{event});
    }

    /** Envelope field 1 of an encoded event. */
    private static long typeCode(byte[] event) {
        WireReader r = new WireReader(event);
        while (r.hasMore()) {
            int tag = r.readTag();
            if (tag == (1 << 3 | WireReader.VARINT)) {
                return r.readVarint();
            }
            r.skip(tag & 7);
        }
        return -1;
    }
}
