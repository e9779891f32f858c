package dev.telltale.agents;

import dev.telltale.auth.RunTokenGrant;

/**
 * The agents table: one row per (team, agent instance). Registering creates the
 * application, component and version rows the agent reports for when they are new.
 * Blocking (JDBC): call it off network threads.
 */
public interface Agents {

    AgentRecord register(RunTokenGrant grant, AgentIdentity identity);

    /** What an agent says about itself in HELLO. */
    record AgentIdentity(String instance, String kind, String agentVersion, String hostname,
                         String application, String component, String version) {
    }

    /** The stored agent: ids resolved, names as registered. */
    record AgentRecord(long agentId, long teamId, String teamName, long applicationId, long componentId,
                       long versionId) {
    }
}
