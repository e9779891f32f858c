package dev.telltale.sca;

import dev.telltale.alerts.TriageChecks;
import dev.telltale.alerts.TriageState;
import dev.telltale.audit.Audit;
import dev.telltale.auth.Tokens;
import dev.telltale.db.DatabaseException;
import dev.telltale.db.Sql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Triage of findings that raised no alert, keyed by what the finding is about ({@link #key}) so a
 * decision survives rescans and carries to the component's other versions. The same states as
 * alerts, but FIXED is never stored: a fixed finding is one the scan no longer produces. An
 * expired risk acceptance reads as REPORTED again (see {@link #EFFECTIVE_STATE}).
 */
final class FindingTriage {
    /** The state a finding shows, in SQL over {@code sca_triage t} and a timestamp parameter "now". */
    static final String EFFECTIVE_STATE = "CASE WHEN t.state IS NULL THEN 'REPORTED' WHEN t.state = 'RISK_ACCEPTED'"
            + " AND t.expires_at <= ? THEN 'REPORTED' ELSE t.state END";
    private final DataSource ds;
    private final Clock clock;
    private final Duration maxRiskAcceptance;

    FindingTriage(DataSource ds, Clock clock, Duration maxRiskAcceptance) {
        this.ds = ds;
        this.clock = clock;
        this.maxRiskAcceptance = maxRiskAcceptance;
    }

    static String key(String application, String component, String ecosystem, String packageName, String advisory) {
        return Tokens.sha256Hex(application + "\n" + component + "\n" + ecosystem + "\n" + packageName + "\n" + advisory);
    }

    Sca.TriageEntry transition(Sca.VulnFinding f, TriageState to, Optional<String> comment, Optional<Instant> expiresAt,
                               String actor) {
        comment.ifPresent(FindingTriage::checkText);
        Instant now = clock.instant();
        checkExpiry(to, expiresAt, now);
        if (f.alerted()) {
            throw new FindingTriageException("this finding raised an alert (rule " + DefaultSca.RULE
                    + "); triage it on the alert", true);
        }
        if (to == TriageState.FIXED) {
            throw new FindingTriageException("FIXED cannot be set by hand: a finding is fixed when the scan no longer"
                    + " finds it (the package was upgraded or removed)", true);
        }
        String key = key(f.application(), f.component(), f.ecosystem(), f.packageName(), f.advisoryId());
        return Sql.inTransaction(ds, c -> {
            TriageState from = state(c, f.teamId(), key, now);
            if (!from.manualTargets().contains(to)) {
                throw new FindingTriageException(from == to ? "the finding is already " + to
                        : "cannot move a finding from " + from + " to " + to + "; allowed: " + from.manualTargets(), true);
            }
            upsert(c, f.teamId(), key, to, expiresAt, now, actor);
            Sca.TriageEntry entry = new Sca.TriageEntry(now, actor, from, to, expiresAt, comment);
            history(c, f.teamId(), key, entry);
            Audit.record(c, now, actor, "finding.transition", "finding " + f.id() + " (" + f.packageName() + " "
                    + f.advisoryId() + ")", Optional.of(from + " -> " + to + expiresAt.map(e -> " until " + e).orElse("")));
            return entry;
        });
    }

    List<Sca.TriageEntry> history(Sca.VulnFinding f) {
        String key = key(f.application(), f.component(), f.ecosystem(), f.packageName(), f.advisoryId());
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT changed_at, actor, from_state,"
                + " to_state, expires_at, comment FROM sca_triage_history WHERE team_id = ? AND tkey = ? ORDER BY id")) {
            ps.setLong(1, f.teamId());
            ps.setString(2, key);
            List<Sca.TriageEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Sca.TriageEntry(Sql.instant(rs, "changed_at").orElseThrow(), rs.getString("actor"),
                            TriageState.valueOf(rs.getString("from_state")), TriageState.valueOf(rs.getString("to_state")),
                            Sql.instant(rs, "expires_at"), Optional.ofNullable(rs.getString("comment"))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the triage history of finding " + f.id(), e);
        }
    }

    private static TriageState state(Connection c, long team, String key, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + EFFECTIVE_STATE
                + " FROM sca_triage t WHERE t.team_id = ? AND t.tkey = ?")) {
            Sql.setInstant(ps, 1, now);
            ps.setLong(2, team);
            ps.setString(3, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? TriageState.valueOf(rs.getString(1)) : TriageState.REPORTED;
            }
        }
    }

    private static void upsert(Connection c, long team, String key, TriageState to, Optional<Instant> expiresAt,
                               Instant now, String actor) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("UPDATE sca_triage SET state = ?, expires_at = ?, updated_at = ?,"
                + " updated_by = ? WHERE team_id = ? AND tkey = ?")) {
            up.setString(1, to.name());
            Sql.setInstant(up, 2, expiresAt);
            Sql.setInstant(up, 3, now);
            up.setString(4, actor);
            up.setLong(5, team);
            up.setString(6, key);
            if (up.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement in = c.prepareStatement("INSERT INTO sca_triage (state, expires_at, updated_at, updated_by,"
                + " team_id, tkey) VALUES (?, ?, ?, ?, ?, ?)")) {
            in.setString(1, to.name());
            Sql.setInstant(in, 2, expiresAt);
            Sql.setInstant(in, 3, now);
            in.setString(4, actor);
            in.setLong(5, team);
            in.setString(6, key);
            in.executeUpdate();
        }
    }

    private static void history(Connection c, long team, String key, Sca.TriageEntry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sca_triage_history (team_id, tkey, changed_at, actor,"
                + " from_state, to_state, expires_at, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, team);
            ps.setString(2, key);
            Sql.setInstant(ps, 3, e.at());
            ps.setString(4, e.actor());
            ps.setString(5, e.from().name());
            ps.setString(6, e.to().name());
            Sql.setInstant(ps, 7, e.expiresAt());
            ps.setString(8, e.comment().orElse(null));
            ps.executeUpdate();
        }
    }

    private void checkExpiry(TriageState to, Optional<Instant> expiresAt, Instant now) {
        TriageChecks.expiry(to, expiresAt, now, maxRiskAcceptance, "the finding").ifPresent(m -> {
            throw new FindingTriageException(m, false);
        });
    }

    private static void checkText(String text) {
        TriageChecks.comment(text).ifPresent(m -> {
            throw new FindingTriageException(m, false);
        });
    }
}
