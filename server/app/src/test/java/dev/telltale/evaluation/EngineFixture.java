package dev.telltale.evaluation;

import dev.telltale.db.Database;
import dev.telltale.journal.AgentContext;
import dev.telltale.journal.JournalRecord;
import dev.telltale.policy.Finding;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Journal records built by hand and a finding table the tests can count. */
final class EngineFixture {
    static final AgentContext SHOP = new AgentContext(1, "a1", 1, "default", "shop", "checkout", "1.0", "host-a");
    private long position;
    private long uid = 1;
    private long seq = 1;

    JournalRecord record(AgentContext ctx, Event... events) {
        long len = 100;
        JournalRecord r = JournalRecord.of(position, position + len, ctx, seq, seq + events.length - 1, uid,
                1_780_000_000_000_000L + uid * 1000, 1_780_000_000_000L, events);
        position += len;
        uid += events.length;
        seq += events.length;
        return r;
    }

    static Event file(long pid, String path) {
        Event e = Event.of(EventType.FILE, 0, pid, pid);
        e.body().set("op", "open").set("path", path).set("result", 3L);
        return e;
    }

    static Event start(long pid, String exe, long euid) {
        Event e = Event.of(EventType.PROCESS_START, 0, pid, pid);
        e.body().set("hostname", "host-a").set("exe", exe).set("ppid", 1L).set("uid", euid).set("euid", euid);
        return e;
    }

    static Event bind(long pid, int port) {
        Event e = Event.of(EventType.NETWORK, 0, pid, pid);
        e.body().set("op", "bind").set("laddr", "0.0.0.0").set("lport", (long) port).set("result", 0L);
        return e;
    }

    static Event heartbeat(long pid) {
        return Event.of(EventType.HEARTBEAT, 0, pid, pid);
    }

    /** A findings table written in the engine's transaction, as the alerts store will be. */
    static FindingWriter table(Database db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE test_findings (uid BIGINT NOT NULL, rule_id VARCHAR(64) NOT NULL, "
                    + "finding_key VARCHAR(512) NOT NULL, policy VARCHAR(100) NOT NULL)");
        } catch (SQLException e) {
            if (!"X0Y32".equals(e.getSQLState())) { // already exists after a restart
                throw e;
            }
        }
        return (c, findings) -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO test_findings VALUES (?, ?, ?, ?)")) {
                for (Finding f : findings) {
                    ps.setLong(1, f.eventUid());
                    ps.setString(2, f.ruleId());
                    ps.setString(3, f.key());
                    ps.setString(4, f.policy());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        };
    }

    /** "uid rule key policy" lines, in uid order. */
    static List<String> findings(Database db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT uid, rule_id, finding_key, policy FROM test_findings ORDER BY uid")) {
            while (rs.next()) {
                out.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
            }
        }
        return out;
    }
}
