package dev.telltale.agents;

import dev.telltale.db.Database;
import dev.telltale.store.Scope;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What runs where, read from the agents table and the applications, components and versions
 * agents reported: for the applications pages. Limited to the teams of a scope. Blocking (JDBC).
 */
public interface Inventory {

    /** Reads from {@code db}; an agent is active when it was seen within {@code activeWithin} of {@code clock}'s now. */
    static Inventory create(Database db, Clock clock, Duration activeWithin) {
        return new DbInventory(db.dataSource(), clock, activeWithin);
    }

    /**
     * The applications of the scope's teams, by team name then application name.
     *
     * @throws dev.telltale.db.DatabaseException when the database fails
     */
    List<Application> applications(Scope scope);

    /**
     * One application with its components (by name), their versions (newest reported first) and
     * the agents that last reported each version (most recently seen first); empty when there is
     * no such application within {@code scope}.
     *
     * @throws dev.telltale.db.DatabaseException when the database fails
     */
    Optional<ApplicationDetail> application(long id, Scope scope);

    /**
     * The id of team {@code teamId}'s application {@code name}; empty when there is none or the
     * team is not within {@code scope}.
     *
     * @throws dev.telltale.db.DatabaseException when the database fails
     */
    Optional<Long> applicationId(long teamId, String name, Scope scope);

    /**
     * An application and its figures. {@code openAlerts}: alerts with an occurrence REPORTED or
     * ACKNOWLEDGED; {@code lastSeen}: its agents' latest, empty when none is left.
     */
    record Application(long id, long teamId, String teamName, String name, int components, int versions, int agents,
                       int activeAgents, long openAlerts, Optional<Instant> lastSeen) {
    }

    record ApplicationDetail(Application application, List<Component> components) {
        public ApplicationDetail {
            components = List.copyOf(components);
        }
    }

    record Component(long id, String name, long openAlerts, List<Version> versions) {
        public Component {
            versions = List.copyOf(versions);
        }
    }

    /** {@code reported}: when an agent first reported the version. */
    record Version(long id, String version, Instant reported, List<Agent> agents) {
        public Version {
            agents = List.copyOf(agents);
        }
    }

    /** An agent (one process tree under the launcher, on one host) as it last described itself. */
    record Agent(long id, String hostname, String kind, String agentVersion, Instant firstSeen, Instant lastSeen,
                 boolean active) {
    }
}
