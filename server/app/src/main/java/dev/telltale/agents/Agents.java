package dev.telltale.agents;

import dev.telltale.auth.RunTokenGrant;
import dev.telltale.db.Database;

import java.time.Clock;

/**
 * The agents table: one row per (team, agent instance). Registering creates the
 * application, component and version rows the agent reports for when they are new.
 * Blocking (JDBC): call it off network threads.
 */
public interface Agents {

    /** Agents stored in {@code db}, seen-times from the system clock. */
    static Agents create(Database db) {
        return create(db, Clock.systemUTC());
    }

    /** As {@link #create(Database)}, with first/last-seen times taken from {@code clock}. */
    static Agents create(Database db, Clock clock) {
        return new DbAgents(db.dataSource(), clock);
    }

    /**
     * Records that an agent of the grant's team is alive, in one transaction: finds or creates
     * the application, component and version it names, then creates the agent row or updates it
     * (kind, versions, host name, ids, last seen; first seen is kept). Registering the same
     * identity again returns the same ids, also when registrations race.
     *
     * @throws IllegalArgumentException when a field is blank or longer than its column
     * @throws dev.telltale.db.DatabaseException when the database fails
     */
    AgentRecord register(RunTokenGrant grant, AgentIdentity identity);

    /**
     * Records that an agent is still alive now (its last-seen time); nothing when it is unknown.
     *
     * @throws dev.telltale.db.DatabaseException when the database fails
     */
    void seen(long agentId);

    /** What an agent says about itself in HELLO. */
    record AgentIdentity(String instance, String kind, String agentVersion, String hostname,
                         String application, String component, String version) {
    }

    /** The stored agent: ids resolved, names as registered. */
    record AgentRecord(long agentId, long teamId, String teamName, long applicationId, long componentId,
                       long versionId) {
    }
}
