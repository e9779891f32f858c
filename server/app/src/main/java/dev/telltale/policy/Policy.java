package dev.telltale.policy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A policy with the effective setting of every rule of the catalogue (rules the policy does
 * not mention take their catalogue defaults, disabled). {@code revision} grows with each change.
 * {@code teamId}: the team that owns it, empty for organisation-wide policies (built-ins too).
 */
public record Policy(long id, String name, String description, boolean builtIn, Optional<String> basedOn,
                     int revision, Instant updatedAt, String updatedBy, Map<String, RuleSetting> rules,
                     Optional<Long> teamId) {
    public Policy {
        rules = Map.copyOf(rules);
    }
}
