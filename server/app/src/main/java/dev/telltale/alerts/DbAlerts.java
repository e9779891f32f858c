package dev.telltale.alerts;

import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;
import dev.telltale.policy.RuleInfo;
import dev.telltale.store.Scope;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** {@link Alerts} in Derby (tables of {@code V2__alerts.sql}); the work is in the package's helpers. */
final class DbAlerts implements Alerts {
    private final DataSource ds;
    private final Clock clock;
    private final AlertsConfig config;
    private final Recorder recorder;
    private final Queries queries;
    private final Triage triage;
    private final SweepScheduler scheduler;
    private final AlertEvents events;

    DbAlerts(DataSource ds, Clock clock, AlertsConfig config, Function<String, Optional<RuleInfo>> rules,
             AlertEvents events) {
        this.events = events;
        this.ds = ds;
        this.clock = clock;
        this.config = config;
        this.recorder = new Recorder(clock, events);
        this.queries = new Queries(rules);
        this.triage = new Triage(ds, clock, config, events);
        this.scheduler = new SweepScheduler(this::sweep, config.sweepInterval());
    }

    @Override
    public void record(Connection tx, List<Finding> findings) throws SQLException {
        recorder.record(tx, findings);
    }

    @Override
    public AlertPage list(AlertQuery query) {
        query.after().ifPresent(PageCursor::decode); // a bad cursor is the caller's error, before any work
        return Sql.inTransaction(ds, c -> queries.list(c, query));
    }

    @Override
    public long count(AlertQuery query) {
        return Sql.inTransaction(ds, c -> queries.count(c, query));
    }

    @Override
    public AlertDetail get(long alertId, Scope scope) {
        return Sql.inTransaction(ds, c -> Details.load(c, queries.summary(c, alertId, scope)
                .orElseThrow(() -> new AlertNotFoundException("no alert " + alertId))));
    }

    @Override
    public EvidencePage evidence(long alertId, Optional<Long> occurrenceId, int limit, Optional<String> after,
                                 Scope scope) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000");
        }
        after.ifPresent(EvidenceChunks::decode); // a bad cursor is the caller's error, before any work
        return Sql.inTransaction(ds, c -> {
            if (queries.summary(c, alertId, scope).isEmpty()) {
                throw new AlertNotFoundException("no alert " + alertId);
            }
            if (occurrenceId.isPresent() && Queries.occurrenceOf(c, occurrenceId.get()) != alertId) {
                throw new AlertNotFoundException("alert " + alertId + " has no occurrence " + occurrenceId.get());
            }
            return EvidenceChunks.page(c, alertId, occurrenceId, limit, after);
        });
    }

    @Override
    public Optional<Long> team(long alertId) {
        return Sql.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT team_id FROM alerts WHERE id = ?")) {
                ps.setLong(1, alertId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Occurrence transition(long alertId, long occurrenceId, TriageState to, Optional<String> comment,
                                 Optional<Instant> expiresAt, String actor) {
        return triage.transition(alertId, occurrenceId, to, comment, expiresAt, actor);
    }

    @Override
    public Comment comment(long alertId, long occurrenceId, String text, String actor) {
        return triage.comment(alertId, occurrenceId, text, actor);
    }

    @Override
    public int sweep() {
        Instant now = clock.instant();
        int changed = Sql.inTransaction(ds, c -> Sweeper.expire(c, events, now) + Sweeper.fix(c, events, now, config.fixedAfter()));
        Sql.inTransaction(ds, c -> EvidenceChunks.prune(c, now.minus(config.evidenceRetention())));
        return changed;
    }

    @Override
    public void start() {
        scheduler.start();
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
