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
        Envelope e = Envelope.parse(b, off, len);
        return new StoredEvent(e.uid, e.seq, e.ts, e.received, e.context,
                EventCodec.decode(b, e.eventOff, e.eventLen, false));
    }

    /**
     * The stored event as a one-event journal record, so that {@link DocBuilder} rebuilds its
     * document from exactly the bytes it was built from at ingest (the reindex reads nothing else).
     *
     * @throws IllegalStateException when the stored form lacks its event or names no known type
     */
    static JournalRecord asRecord(byte[] b, int off, int len) {
        Envelope e = Envelope.parse(b, off, len);
        byte[] event = java.util.Arrays.copyOfRange(b, e.eventOff, e.eventOff + e.eventLen);
        long code = typeCode(event);
        EventType type = EventType.ofCode(code)
                .orElseThrow(() -> new IllegalStateException("stored event " + e.uid + " has unknown type " + code));
        return new JournalRecord(0, 0, e.context, e.seq, e.seq, e.uid, e.ts, e.received, new EventType[]{type},
                new long[]{0}, new byte[][]{event});
    }

    /** The stored form's fields, with where its encoded event lies; one parse for both readers above. */
    private record Envelope(long uid, long seq, long ts, long received, AgentContext context, int eventOff, int eventLen) {
        static Envelope parse(byte[] b, int off, int len) {
            WireReader r = new WireReader(b, off, len);
            long uid = 0, agent = 0, seq = 0, ts = 0, received = 0, team = 0;
            String teamName = "", app = "", comp = "", ver = "", host = "", instance = "";
            int eventOff = -1, eventLen = 0;
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
                        eventLen = r.readLength();
                        eventOff = r.position();
                        r.skipBytes(eventLen);
                    }
                    case 13 -> instance = r.readString(1024);
                    default -> r.skip(tag & 7);
                }
            }
            if (eventOff < 0) {
                throw new IllegalStateException("stored event " + uid + " lacks its event bytes");
            }
            return new Envelope(uid, seq, ts, received, new AgentContext(agent, instance, team, teamName, app, comp, ver,
                    host), eventOff, eventLen);
        }
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
