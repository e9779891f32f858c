package dev.telltale.sca;

import dev.telltale.alerts.Alerts;
import dev.telltale.db.Database;
import dev.telltale.policy.Policies;
import dev.telltale.sbom.Inventory;
import dev.telltale.store.Scope;
import dev.telltale.vulndb.VulnDb;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Software composition analysis: matches every component version's runtime inventory against
 * the vulnerability database, keeps the findings (with whether the package was loaded at run
 * time), and raises an alert through the alerts store for each new finding the version's policy
 * reports (rule {@code supply-chain.vulnerable-package}: a CVSS threshold, and by default only
 * packages that were loaded). Scans run on a named background thread at an interval and after
 * each vulnerability database import.
 */
public interface Sca extends AutoCloseable {

    static Sca create(Database db, Inventory inventory, VulnDb vulnDb, Alerts alerts, Policies policies,
                      ScaConfig config, Clock clock) {
        return create(db, inventory, vulnDb, alerts, policies, config, clock, (tx, fresh) -> {
        });
    }

    /**
     * As {@link #create(Database, Inventory, VulnDb, Alerts, Policies, ScaConfig, Clock)}, telling
     * {@code events} of each scan's new findings inside the transaction that stores them.
     */
    static Sca create(Database db, Inventory inventory, VulnDb vulnDb, Alerts alerts, Policies policies,
                      ScaConfig config, Clock clock, FindingEvents events) {
        return new DefaultSca(db, inventory, vulnDb, alerts, policies, config, clock, events);
    }

    /**
     * Told of findings a scan found for the first time, inside the transaction that stores them
     * (what it writes there commits or rolls back with them).
     */
    @FunctionalInterface
    interface FindingEvents {
        void found(java.sql.Connection tx, List<VulnFinding> fresh) throws java.sql.SQLException;
    }

    /** Starts the periodic scans. */
    void start();

    /**
     * Scans every component version now, on the caller's thread.
     *
     * @return how many findings exist after the scan
     * @throws dev.telltale.db.DatabaseException when the database fails
     */
    int scanNow();

    /** Findings matching {@code q}, most severe first. */
    List<VulnFinding> findings(FindingQuery q);

    /**
     * The package URLs of {@code ecosystem} packages ("Maven") with findings in a component version,
     * sorted, at most {@code limit}: what its Java agents trace method by method (docs/java-agent.md).
     *
     * @throws dev.telltale.db.DatabaseException when the database fails
     */
    List<String> vulnerablePurls(long teamId, String application, String component, String version, String ecosystem,
                                 int limit);

    /** The finding with this id when it is in {@code scope}. */
    Optional<VulnFinding> finding(long id, Scope scope);

    /**
     * Moves a finding that raised no alert to another triage state, with history and audit rows.
     * The decision applies to the finding's package and advisory in every version of its component.
     *
     * @throws FindingTriageException when the change is not allowed (the finding raised an alert,
     *                                FIXED by hand, a move the state machine refuses) or malformed
     */
    TriageEntry transition(VulnFinding finding, dev.telltale.alerts.TriageState to, Optional<String> comment,
                           Optional<Instant> expiresAt, String actor);

    /** Every triage change of the finding's package and advisory in its component, oldest first. */
    List<TriageEntry> history(VulnFinding finding);

    /** Stops the scans, waiting for a running one. */
    @Override
    void close();

    /** Filters; empty ones do not filter. {@code minCvss} in points (7.0). */
    record FindingQuery(Optional<String> application, Optional<String> component, Optional<String> version,
                        Optional<String> severity, Optional<Boolean> loaded,
                        Optional<dev.telltale.alerts.TriageState> state, int limit, Scope scope) {
        public FindingQuery {
            if (limit < 1 || limit > 1000) {
                throw new IllegalArgumentException("limit must be between 1 and 1000");
            }
        }
    }

    /** One triage change of a finding: who, when, from and to, with the expiry of a risk acceptance. */
    record TriageEntry(Instant at, String actor, dev.telltale.alerts.TriageState from,
                       dev.telltale.alerts.TriageState to, Optional<Instant> expiresAt, Optional<String> comment) {
    }

    /**
     * A vulnerable package in a component version. {@code state} is its triage state (REPORTED
     * until someone triages it; findings that raised an alert are triaged on the alert).
     */
    record VulnFinding(long id, long teamId, String application, String component, String version, String purl,
                       String packageName, String packageVersion, String ecosystem, String advisoryId,
                       List<String> aliases, String summary, Optional<Double> cvssScore, Optional<String> cvssVector,
                       String severity, List<String> fixedVersions, boolean loaded, boolean alerted,
                       Instant firstFound, Instant lastScanned, dev.telltale.alerts.TriageState state,
                       Optional<Instant> stateExpiresAt) {
        public VulnFinding {
            aliases = List.copyOf(aliases);
            fixedVersions = List.copyOf(fixedVersions);
        }
    }
}
