package dev.telltale.alerts;

import dev.telltale.alerts.Grouping.Group;
import dev.telltale.alerts.Grouping.Version;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;
import dev.telltale.protocol.WireReader;
import dev.telltale.protocol.WireWriter;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code alert_evidence_chunks}: every finding of a batch packed into a few rows per occurrence
 * (up to {@link #MAX_BYTES} each). Read most recently recorded first: chunks by id descending,
 * entries within a chunk last first. An entry's id for clients is {@code chunkId << 16 | index}.
 */
final class EvidenceChunks {
    static final int MAX_BYTES = 32_000;
    private static final int ENTRY_MAX = 1600; // uid, time, host (255), agent, pid, summary (1000 chars) as UTF-8

    private EvidenceChunks() {
    }

    static void insert(Connection c, List<Group> groups) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_evidence_chunks (alert_id, occurrence_id,"
                + " entries, first_time, last_time, data) VALUES (?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (Group g : groups) {
                for (Version v : g.versions.values()) {
                    pending += chunks(ps, g.alertId, v);
                    if (pending >= 100) {
                        ps.executeBatch();
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    private static int chunks(PreparedStatement ps, long alertId, Version v) throws SQLException {
        WireWriter data = new WireWriter(4096);
        WireWriter entry = new WireWriter(256);
        int rows = 0, n = 0;
        Instant first = null, last = null;
        for (Finding f : v.findings) {
            if (data.size() + ENTRY_MAX > MAX_BYTES) {
                add(ps, alertId, v.occurrenceId, n, first, last, data);
                rows++;
                data.reset();
                n = 0;
                first = null;
            }
            entry.reset();
            entry.uint(1, f.eventUid());
            entry.sint(2, micros(f.eventTime()));
            entry.string(3, Grouping.host(f));
            entry.uint(4, f.agentId());
            entry.uint(5, f.pid());
            entry.string(6, f.summary());
            data.message(1, entry);
            n++;
            first = first == null || f.eventTime().isBefore(first) ? f.eventTime() : first;
            last = last == null || f.eventTime().isAfter(last) ? f.eventTime() : last;
        }
        if (n > 0) {
            add(ps, alertId, v.occurrenceId, n, first, last, data);
            rows++;
        }
        return rows;
    }

    private static void add(PreparedStatement ps, long alertId, long occurrenceId, int n, Instant first, Instant last,
                            WireWriter data) throws SQLException {
        ps.setLong(1, alertId);
        ps.setLong(2, occurrenceId);
        ps.setInt(3, n);
        Sql.setInstant(ps, 4, first);
        Sql.setInstant(ps, 5, last);
        ps.setBytes(6, data.toByteArray());
        ps.addBatch();
    }

    /**
     * Drops evidence whose newest entry is older than {@code cutoff}: the events it links to
     * have aged out of the store. Alerts, occurrences, counts and history stay.
     *
     * @return how many chunk rows went
     */
    static int prune(Connection c, Instant cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_evidence_chunks WHERE last_time < ?")) {
            Sql.setInstant(ps, 1, cutoff);
            return ps.executeUpdate();
        }
    }

    /** A page of evidence, most recently recorded first, after {@code after} (a cursor of a previous page). */
    static Alerts.EvidencePage page(Connection c, long alertId, Optional<Long> occurrenceId, int limit,
                                    Optional<String> after) throws SQLException {
        long afterId = after.map(EvidenceChunks::decode).orElse(Long.MAX_VALUE);
        long afterChunk = afterId >>> 16;
        Where w = new Where(new StringBuilder("SELECT id, occurrence_id, data FROM alert_evidence_chunks WHERE 1 = 1"));
        // One equality only, so that the matching index serves the order.
        if (occurrenceId.isPresent()) {
            w.and("occurrence_id = ?", occurrenceId.get());
        } else {
            w.and("alert_id = ?", alertId);
        }
        w.and("id <= ?", afterChunk);
        w.sql.append(" ORDER BY id DESC");
        Map<Long, String> versions = versions(c, alertId);
        List<Alerts.Evidence> rows = new ArrayList<>();
        try (PreparedStatement ps = w.prepare(c); ResultSet rs = ps.executeQuery()) {
            while (rows.size() <= limit && rs.next()) {
                long chunk = rs.getLong(1);
                long occ = rs.getLong(2);
                List<Alerts.Evidence> entries = unpack(chunk, occ, versions.get(occ), rs.getBytes(3));
                for (int i = entries.size() - 1; i >= 0 && rows.size() <= limit; i--) {
                    if (entries.get(i).id() < afterId) {
                        rows.add(entries.get(i));
                    }
                }
            }
        }
        if (rows.size() <= limit) {
            return new Alerts.EvidencePage(rows, Optional.empty());
        }
        return new Alerts.EvidencePage(List.copyOf(rows.subList(0, limit)), Optional.of(encode(rows.get(limit - 1).id())));
    }

    private static List<Alerts.Evidence> unpack(long chunk, long occurrenceId, String version, byte[] data) {
        List<Alerts.Evidence> out = new ArrayList<>();
        WireReader r = new WireReader(data);
        while (r.hasMore()) {
            int tag = r.readTag();
            if (tag >>> 3 != 1) {
                r.skip(tag & 7);
                continue;
            }
            WireReader e = r.readMessage();
            long uid = 0, us = 0, agent = 0, pid = 0;
            String host = "", summary = "";
            while (e.hasMore()) {
                int t = e.readTag();
                switch (t >>> 3) {
                    case 1 -> uid = e.readVarint();
                    case 2 -> us = e.readSInt();
                    case 3 -> host = e.readString(4096);
                    case 4 -> agent = e.readVarint();
                    case 5 -> pid = e.readVarint();
                    case 6 -> summary = e.readString(8192);
                    default -> e.skip(t & 7);
                }
            }
            Instant time = Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000), Math.floorMod(us, 1_000_000) * 1000L);
            out.add(new Alerts.Evidence(chunk << 16 | out.size(), occurrenceId, version, uid, time, host, agent, pid,
                    summary));
        }
        return out;
    }

    private static long micros(Instant t) {
        return Math.multiplyExact(t.getEpochSecond(), 1_000_000L) + t.getNano() / 1000;
    }

    private static String encode(long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("e" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this class produced */
    static long decode(String text) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
            if (!s.startsWith("e")) {
                throw new IllegalArgumentException();
            }
            long id = Long.parseLong(s.substring(1));
            if (id < 0) {
                throw new IllegalArgumentException();
            }
            return id;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'after' is not a valid cursor", e);
        }
    }

    private static Map<Long, String> versions(Connection c, long alertId) throws SQLException {
        Map<Long, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT o.id, v.version FROM alert_occurrences o"
                + " JOIN component_versions v ON v.id = o.version_id WHERE o.alert_id = ?")) {
            ps.setLong(1, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return out;
    }
}
