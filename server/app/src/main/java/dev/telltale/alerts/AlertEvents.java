package dev.telltale.alerts;

import dev.telltale.policy.Severity;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Told of every occurrence created and every triage state change, inside the transaction that
 * makes the change (with the same connection): what it writes there commits or rolls back with
 * the change, so an outbox row is never lost nor written for a change that did not happen.
 */
@FunctionalInterface
public interface AlertEvents {
    /** Listens to nothing. */
    AlertEvents NONE = (tx, change) -> {
    };

    /**
     * One change, inside {@code tx} (never commit or roll back there).
     *
     * @throws SQLException to make the change itself roll back
     */
    void changed(Connection tx, AlertChange change) throws SQLException;

    /**
     * An occurrence created ({@code from} empty, possibly with a state carried over) or moved from
     * {@code from} to {@code to} by {@code actor} ({@code system} for the appliance's own moves).
     */
    record AlertChange(long alertId, long occurrenceId, long teamId, String application, String component,
                       String version, String ruleId, String key, Severity severity, Optional<TriageState> from,
                       TriageState to, String actor, Optional<String> comment, Instant at) {
        /** Whether this created the occurrence (a new alert, or an alert seen in a new version). */
        public boolean created() {
            return from.isEmpty();
        }
    }
}
