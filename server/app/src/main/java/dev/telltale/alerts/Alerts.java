package dev.telltale.alerts;

import dev.telltale.db.Database;
import dev.telltale.policy.Finding;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.Severity;
import dev.telltale.store.Scope;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Alerts and their triage: findings grouped into alerts (team, application, component, rule,
 * key) and occurrences (one per component version, each with its own triage state), every
 * finding kept as evidence, the triage state machine, and the sweeps that expire risk
 * acceptances and mark occurrences FIXED. Blocking (JDBC): call it off network threads.
 * {@link #start()} runs the sweeps every {@code sweep-interval} until {@link #close()}.
 */
public interface Alerts extends AutoCloseable {

    /** Alerts in {@code db}; rule titles unknown (the API shows rule ids only). */
    static Alerts create(Database db, Clock clock, AlertsConfig config) {
        return create(db, clock, config, id -> Optional.empty());
    }

    /** As {@link #create(Database, Clock, AlertsConfig)}, describing rules through {@code rules}. */
    static Alerts create(Database db, Clock clock, AlertsConfig config, Function<String, Optional<RuleInfo>> rules) {
        return create(db, clock, config, rules, AlertEvents.NONE);
    }

    /**
     * As {@link #create(Database, Clock, AlertsConfig, Function)}, telling {@code events} of every
     * occurrence created and every state change inside the transaction that makes it.
     */
    static Alerts create(Database db, Clock clock, AlertsConfig config, Function<String, Optional<RuleInfo>> rules,
                         AlertEvents events) {
        return new DbAlerts(db.dataSource(), clock, config, rules, events);
    }

    /**
     * Groups {@code findings} into alerts and occurrences and writes one evidence row per finding,
     * inside the caller's transaction {@code tx} (never commits or rolls back). Keeps no state
     * outside the database, so the caller may roll back and call again from scratch.
     *
     * @throws SQLException when a statement fails; the caller should roll back (and may retry)
     */
    void record(Connection tx, List<Finding> findings) throws SQLException;

    /**
     * Alerts matching {@code query} in its {@link Sort order}: newest {@code last_seen} first, or
     * most severe first (newest first within a severity).
     *
     * @throws IllegalArgumentException when {@code after} is not a cursor of a page in the same order
     */
    AlertPage list(AlertQuery query);

    /** How many alerts match {@code query}'s filters (its limit, cursor and order do not count). */
    long count(AlertQuery query);

    /**
     * One alert with its occurrences, hosts, versions, history and comments.
     *
     * @throws AlertNotFoundException when there is no such alert within {@code scope}
     */
    AlertDetail get(long alertId, Scope scope);

    /**
     * Evidence of an alert (or of one of its occurrences), every finding once, the most recently
     * recorded first (the engine records in journal order, so this is close to newest event first).
     *
     * @param after a cursor from a previous page's {@link EvidencePage#next()}
     * @throws AlertNotFoundException when the alert is not within {@code scope} or the occurrence is not its
     * @throws IllegalArgumentException when {@code limit} is outside 1-1000 or {@code after} is not a cursor
     */
    EvidencePage evidence(long alertId, Optional<Long> occurrenceId, int limit, Optional<String> after, Scope scope);

    /** The team an alert belongs to, for visibility checks; empty when there is no such alert. */
    Optional<Long> team(long alertId);

    /**
     * Moves an occurrence to {@code to} on a person's request, writing a history row and an
     * audit row in the same transaction. RISK_ACCEPTED needs {@code expiresAt} in the future
     * and within {@code max-risk-acceptance}; no other state takes one.
     *
     * @return the occurrence after the change
     * @throws AlertNotFoundException when the alert or occurrence does not exist, or the occurrence is another alert's
     * @throws InvalidTransitionException when the state machine or the arguments refuse the change
     */
    Occurrence transition(long alertId, long occurrenceId, TriageState to, Optional<String> comment,
                          Optional<Instant> expiresAt, String actor);

    /**
     * Adds a comment (1-4000 characters, not blank) to an occurrence, with an audit row.
     *
     * @throws AlertNotFoundException as for {@link #transition}
     * @throws InvalidTransitionException when the text is blank or too long
     */
    Comment comment(long alertId, long occurrenceId, String text, String actor);

    /**
     * Reopens risk acceptances that have expired and marks FIXED the occurrences a newer version
     * of their component has outgrown (see docs/alerts.md). Each change is a history row.
     *
     * @return how many occurrences changed state
     */
    int sweep();

    /** Starts running {@link #sweep()} every {@code sweep-interval} on one daemon thread. */
    void start();

    /** Stops the sweeps, waiting for a running one to finish. */
    @Override
    void close();

    /** Orders of {@link #list}; ties break on the alert id, so cursors are stable. */
    enum Sort {
        /** Newest last seen first. */
        LAST_SEEN,
        /** P1 first; within a severity, newest last seen first. */
        SEVERITY
    }

    /** Filters for {@link #list}; empty sets and empty optionals do not filter. */
    record AlertQuery(Set<Severity> severities, Set<TriageState> states, Optional<String> application,
                      Optional<String> component, Optional<String> rule, Optional<Instant> from,
                      Optional<Instant> to, int limit, Optional<String> after, Scope scope, Sort sort) {
        public AlertQuery {
            severities = Set.copyOf(severities);
            states = Set.copyOf(states);
            java.util.Objects.requireNonNull(sort);
            if (limit < 1 || limit > 500) {
                throw new IllegalArgumentException("limit must be between 1 and 500");
            }
        }

        /** Newest last seen first. */
        public AlertQuery(Set<Severity> severities, Set<TriageState> states, Optional<String> application,
                          Optional<String> component, Optional<String> rule, Optional<Instant> from,
                          Optional<Instant> to, int limit, Optional<String> after, Scope scope) {
            this(severities, states, application, component, rule, from, to, limit, after, scope, Sort.LAST_SEEN);
        }
    }

    record AlertSummary(long id, long teamId, String application, String component, String ruleId,
                        Optional<RuleInfo> rule, String key, Severity severity, Instant firstSeen, Instant lastSeen,
                        long events, Map<TriageState, Integer> states) {
    }

    record AlertPage(List<AlertSummary> alerts, Optional<String> next) {
    }

    record Occurrence(long id, long alertId, String version, TriageState state, Optional<Instant> expiresAt,
                      long events, Instant firstSeen, Instant lastSeen, Optional<Long> carriedFrom) {
    }

    record Host(String hostname, long events, Instant firstSeen, Instant lastSeen) {
    }

    /** One state change; {@code from} is empty for the row that created the occurrence. */
    record HistoryEntry(long id, long occurrenceId, String version, Instant when, String actor,
                        Optional<TriageState> from, TriageState to, Optional<Instant> expiresAt,
                        Optional<String> comment) {
    }

    record Comment(long id, long occurrenceId, String version, Instant when, String actor, String text) {
    }

    /** Versions are listed oldest first (by when the component first reported them). */
    record AlertDetail(AlertSummary alert, List<Occurrence> occurrences, List<Host> hosts, List<String> versions,
                       List<HistoryEntry> history, List<Comment> comments) {
    }

    /** {@code eventUid} 0: the finding did not come from a stored event (e.g. supply chain). */
    record Evidence(long id, long occurrenceId, String version, long eventUid, Instant eventTime, String hostname,
                    long agentId, long pid, String summary) {
    }

    record EvidencePage(List<Evidence> evidence, Optional<String> next) {
    }
}
