package dev.telltale.journal;

import dev.telltale.protocol.WireReader;
import dev.telltale.protocol.WireWriter;
import dev.telltale.protocol.event.EventMeta;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.EventValidator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The on-disk form of journal records and segment snapshots (docs/decisions/0003-journal-before-lucene.md). */
final class RecordCodec {
    private RecordCodec() {
    }

    static void encode(JournalRecord r, WireWriter w) {
        AgentContext c = r.context();
        w.uint(1, c.agentId());
        w.string(2, c.agentInstance());
        w.uint(3, c.teamId());
        w.string(4, c.teamName());
        w.string(5, c.application());
        w.string(6, c.component());
        w.string(7, c.version());
        w.string(8, c.hostname());
        w.uint(9, r.firstSeq());
        w.uint(10, r.lastSeq());
        w.uint(11, r.firstUid());
        w.uint(12, r.baseTimeUs());
        w.uint(13, r.receivedMs());
        for (byte[] e : r.encoded()) {
            w.bytes(14, e);
        }
        if (!c.policy().isEmpty()) {
            w.string(15, c.policy());
        }
    }

    static JournalRecord decode(byte[] buf, int off, int len, long position, long end) {
        WireReader r = new WireReader(buf, off, len);
        long agentId = 0, teamId = 0, firstSeq = 0, lastSeq = 0, firstUid = 0, base = 0, received = 0;
        String instance = "", team = "", app = "", comp = "", ver = "", host = "", policy = "";
        List<byte[]> encoded = new ArrayList<>();
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag >>> 3) {
                case 1 -> agentId = r.readVarint();
                case 2 -> instance = r.readString(1024);
                case 3 -> teamId = r.readVarint();
                case 4 -> team = r.readString(1024);
                case 5 -> app = r.readString(1024);
                case 6 -> comp = r.readString(1024);
                case 7 -> ver = r.readString(1024);
                case 8 -> host = r.readString(1024);
                case 9 -> firstSeq = r.readVarint();
                case 10 -> lastSeq = r.readVarint();
                case 11 -> firstUid = r.readVarint();
                case 12 -> base = r.readVarint();
                case 13 -> received = r.readVarint();
                case 14 -> encoded.add(r.readBytes(Integer.MAX_VALUE));
                case 15 -> policy = r.readString(1024);
                default -> r.skip(tag & 7);
            }
        }
        EventType[] types = new EventType[encoded.size()];
        long[] dts = new long[encoded.size()];
        EventMeta meta = new EventMeta();
        for (int i = 0; i < types.length; i++) {
            byte[] e = encoded.get(i);
            EventValidator.validate(e, 0, e.length, false, meta);
            types[i] = meta.type;
            dts[i] = meta.dtUs;
        }
        AgentContext ctx = new AgentContext(agentId, instance, teamId, team, app, comp, ver, host, policy);
        return new JournalRecord(position, end, ctx, firstSeq, lastSeq, firstUid, base, received, types, dts,
                encoded.toArray(new byte[0][]));
    }

    static void encodeSnapshot(long nextUid, Map<Long, Long> nextSeqs, WireWriter w) {
        w.uint(1, nextUid);
        WireWriter entry = new WireWriter(24);
        for (Map.Entry<Long, Long> e : nextSeqs.entrySet()) {
            entry.reset();
            entry.uint(1, e.getKey());
            entry.uint(2, e.getValue());
            w.message(2, entry);
        }
    }

    /** Loads a snapshot into {@code nextSeqs}; returns the next uid. */
    static long decodeSnapshot(byte[] buf, int off, int len, Map<Long, Long> nextSeqs) {
        WireReader r = new WireReader(buf, off, len);
        long nextUid = 1;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag >>> 3) {
                case 1 -> nextUid = r.readVarint();
                case 2 -> {
                    WireReader e = r.readMessage();
                    long agent = 0, next = 1;
                    while (e.hasMore()) {
                        int t = e.readTag();
                        switch (t >>> 3) {
                            case 1 -> agent = e.readVarint();
                            case 2 -> next = e.readVarint();
                            default -> e.skip(t & 7);
                        }
                    }
                    nextSeqs.put(agent, next);
                }
                default -> r.skip(tag & 7);
            }
        }
        return nextUid;
    }
}
