package dev.telltale.audit;

import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Writes rows to {@code audit_log}. Takes the caller's connection so the audit row commits or
 * rolls back together with the action it records: an action is never audited without
 * happening, nor happens without being audited.
 */
public final class Audit {

    private static final int ACTOR_MAX = 100;
    private static final int TARGET_MAX = 200;
    private static final int DETAIL_MAX = 2000;

    private Audit() {
    }

    /**
     * Appends one audit row inside the caller's transaction. Over-long text is truncated
     * rather than failing the audited action. Callers must never pass secrets.
     *
     * @throws SQLException when the insert fails; the caller's transaction should then roll back
     */
    public static void record(Connection c, Instant at, String actor, String action, String target,
                              Optional<String> detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (occurred_at, actor, action, target,"
                + " detail, source_address) VALUES (?, ?, ?, ?, ?, ?)")) {
            Sql.setInstant(ps, 1, at);
            ps.setString(2, clip(actor, ACTOR_MAX));
            ps.setString(3, action);
            ps.setString(4, clip(target, TARGET_MAX));
            ps.setString(5, detail.map(d -> clip(d, DETAIL_MAX)).orElse(null));
            ps.setString(6, SOURCE.get());
            ps.executeUpdate();
        }
    }

    /**
     * The network address of the request being served on this thread (each HTTPS request runs on
     * its own virtual thread), set by the API's access filter; rows written meanwhile carry it.
     */
    private static final ThreadLocal<String> SOURCE = new ThreadLocal<>();

    /** Runs {@code work} with {@code address} as the source of audit rows it writes. */
    public static void fromAddress(String address, Runnable work) {
        String before = SOURCE.get();
        SOURCE.set(clip(address, 64));
        try {
            work.run();
        } finally {
            SOURCE.set(before);
        }
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
