package dev.telltale.journal;

/**
 * Where a batch came from, resolved at HELLO from the run token and the agent's identity.
 * Every stored event is stamped with it so reads can be scoped by team. {@code policy} is the
 * policy the agent asked for ({@code telltale run -p}), "" when it named none.
 */
public record AgentContext(long agentId, String agentInstance, long teamId, String teamName,
                           String application, String component, String version, String hostname, String policy) {
    public AgentContext {
        java.util.Objects.requireNonNull(policy);
    }

    /** A context that names no policy. */
    public AgentContext(long agentId, String agentInstance, long teamId, String teamName,
                        String application, String component, String version, String hostname) {
        this(agentId, agentInstance, teamId, teamName, application, component, version, hostname, "");
    }
}
