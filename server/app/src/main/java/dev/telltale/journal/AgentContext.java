package dev.telltale.journal;

/**
 * Where a batch came from, resolved at HELLO from the run token and the agent's identity.
 * Every stored event is stamped with it so reads can be scoped by team.
 */
public record AgentContext(long agentId, String agentInstance, long teamId, String teamName,
                           String application, String component, String version, String hostname) {
}
