package dev.telltale.overview;

import dev.telltale.db.Database;
import dev.telltale.store.Scope;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The counts a dashboard shows, read from the relational state and limited to the teams a user may see. */
public interface Overview {

    /** Reads from {@code db}; "active" agents were seen within {@code activeWithin} of {@code clock}'s now. */
    static Overview create(Database db, Clock clock, Duration activeWithin) {
        return new DbOverview(db.dataSource(), clock, activeWithin);
    }

    /**
     * Counts for the teams of {@code scope}.
     *
     * @throws dev.telltale.db.DatabaseException when the database fails
     */
    Summary summary(Scope scope);

    /**
     * Open alert occurrences (reported or acknowledged) by severity ("P1".."P4"), occurrences by
     * triage state, the rules with most open alerts, and agents and applications.
     */
    record Summary(Map<String, Long> openBySeverity, Map<String, Long> byState, List<RuleCount> topRules,
                   long activeAgents, long agents, long applications) {
        public Summary {
            openBySeverity = Map.copyOf(openBySeverity);
            byState = Map.copyOf(byState);
            topRules = List.copyOf(topRules);
        }
    }

    /** A rule and how many of its alerts are open. */
    record RuleCount(String ruleId, long openAlerts) {
    }
}
