package dev.telltale.evaluation;

import dev.telltale.policy.ProcessState;
import dev.telltale.protocol.WireReader;
import dev.telltale.protocol.WireWriter;

/**
 * The process table's durable form, stored with each evaluation checkpoint so that stateful
 * rules continue after a restart exactly as if the appliance had never stopped. Protobuf-style
 * fields: new facts get new numbers and old snapshots still load.
 */
final class StateCodec {
    private StateCodec() {
    }

    static byte[] encode(ProcessTable table) {
        WireWriter out = new WireWriter(64 + table.size() * 64);
        WireWriter w = new WireWriter(128);
        for (ProcessState s : table.values()) {
            w.reset();
            w.uint(1, s.agentId);
            w.uint(2, s.pid);
            w.sint(3, s.ppid);
            w.string(4, s.exe);
            w.sint(5, s.uid);
            w.sint(6, s.euid);
            w.sint(7, s.gid);
            w.sint(8, s.egid);
            w.sint(9, s.startEuid);
            w.string(10, s.containerRuntime);
            w.uint(11, s.networkFacing ? 1 : 0);
            w.sint(12, s.firstBindUs);
            w.string(13, s.boundAddress);
            w.uint(14, s.droppedRoot ? 1 : 0);
            w.sint(15, s.lastSeenUs);
            w.uint(16, s.marks);
            w.uint(17, s.boundAsRoot ? 1 : 0);
            w.string(18, s.lastDnsFqdn);
            w.string(19, s.lastDnsResolved);
            out.message(1, w);
        }
        return out.toByteArray();
    }

    static void decode(byte[] bytes, ProcessTable into) {
        into.clear();
        WireReader r = new WireReader(bytes, 0, bytes.length);
        while (r.hasMore()) {
            int tag = r.readTag();
            if (tag >>> 3 == 1) {
                into.put(one(r.readMessage()));
            } else {
                r.skip(tag & 7);
            }
        }
    }

    private static ProcessState one(WireReader m) {
        long agent = 0, pid = 0;
        ProcessState tmp = new ProcessState(0, 0);
        while (m.hasMore()) {
            int tag = m.readTag();
            switch (tag >>> 3) {
                case 1 -> agent = m.readVarint();
                case 2 -> pid = m.readVarint();
                case 3 -> tmp.ppid = m.readSInt();
                case 4 -> tmp.exe = m.readString(1 << 16);
                case 5 -> tmp.uid = m.readSInt();
                case 6 -> tmp.euid = m.readSInt();
                case 7 -> tmp.gid = m.readSInt();
                case 8 -> tmp.egid = m.readSInt();
                case 9 -> tmp.startEuid = m.readSInt();
                case 10 -> tmp.containerRuntime = m.readString(1024);
                case 11 -> tmp.networkFacing = m.readVarint() != 0;
                case 12 -> tmp.firstBindUs = m.readSInt();
                case 13 -> tmp.boundAddress = m.readString(1 << 16);
                case 14 -> tmp.droppedRoot = m.readVarint() != 0;
                case 15 -> tmp.lastSeenUs = m.readSInt();
                case 16 -> tmp.marks = m.readVarint();
                case 17 -> tmp.boundAsRoot = m.readVarint() != 0;
                case 18 -> tmp.lastDnsFqdn = m.readString(1 << 16);
                case 19 -> tmp.lastDnsResolved = m.readString(1 << 16);
                default -> m.skip(tag & 7);
            }
        }
        ProcessState s = new ProcessState(agent, pid);
        s.ppid = tmp.ppid;
        s.exe = tmp.exe;
        s.uid = tmp.uid;
        s.euid = tmp.euid;
        s.gid = tmp.gid;
        s.egid = tmp.egid;
        s.startEuid = tmp.startEuid;
        s.containerRuntime = tmp.containerRuntime;
        s.networkFacing = tmp.networkFacing;
        s.firstBindUs = tmp.firstBindUs;
        s.boundAddress = tmp.boundAddress;
        s.droppedRoot = tmp.droppedRoot;
        s.lastSeenUs = tmp.lastSeenUs;
        s.marks = tmp.marks;
        s.boundAsRoot = tmp.boundAsRoot;
        s.lastDnsFqdn = tmp.lastDnsFqdn;
        s.lastDnsResolved = tmp.lastDnsResolved;
        return s;
    }
}
