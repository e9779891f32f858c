package dev.telltale.policy;

import dev.telltale.journal.AgentContext;
import dev.telltale.protocol.event.EventType;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The policies in force at one moment, immutable: which compiled policy applies to an agent's
 * events. The engine picks up a new snapshot between records, so policy changes take effect
 * without a restart.
 */
public final class PolicySnapshot {
    /** An application by team and name, as agents report it. */
    public record AppKey(long teamId, String application) {
    }

    private final Map<String, CompiledPolicy> byName;
    private final Map<AppKey, String> assignments;
    private final CompiledPolicy defaultPolicy;
    private final Set<EventType> wanted;

    private final Map<String, Long> owners;

    PolicySnapshot(Map<String, CompiledPolicy> byName, Map<AppKey, String> assignments, String defaultName,
                   Map<String, Long> owners) {
        this.byName = Map.copyOf(byName);
        this.owners = Map.copyOf(owners);
        this.assignments = Map.copyOf(assignments);
        this.defaultPolicy = byName.get(defaultName);
        if (defaultPolicy == null) {
            throw new IllegalStateException("default policy " + defaultName + " is missing");
        }
        EnumSet<EventType> w = EnumSet.noneOf(EventType.class);
        for (CompiledPolicy p : byName.values()) {
            for (EventType t : EventType.values()) {
                if (p.rulesFor(t).length > 0) {
                    w.add(t);
                }
            }
        }
        this.wanted = w;
    }

    /**
     * The policy for an agent's events: the one it named ({@code telltale run -p}) when that
     * exists and is organisation-wide or its team's, else its application's assigned policy, else
     * the default policy.
     */
    public CompiledPolicy resolve(AgentContext ctx) {
        if (!ctx.policy().isEmpty()) {
            CompiledPolicy named = byName.get(ctx.policy());
            Long owner = owners.get(ctx.policy());
            // Another team's policy is not this agent's to choose.
            if (named != null && (owner == null || owner == ctx.teamId())) {
                return named;
            }
        }
        String assigned = assignments.get(new AppKey(ctx.teamId(), ctx.application()));
        return assigned == null ? defaultPolicy : byName.getOrDefault(assigned, defaultPolicy);
    }

    /** False when no policy examines {@code type}: the engine need not even decode such events. */
    public boolean wanted(EventType type) {
        return wanted.contains(type);
    }

    public boolean exists(String policyName) {
        return byName.containsKey(policyName);
    }
}
