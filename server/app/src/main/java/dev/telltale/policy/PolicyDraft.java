package dev.telltale.policy;

import java.util.Map;
import java.util.Optional;

/**
 * A requested policy: name, description, the policy it starts from (creation only) and rule
 * changes on top of it. Each change may set {@code enabled}, {@code severity} and some
 * parameters; what it leaves out keeps the base's value.
 */
public record PolicyDraft(String name, String description, Optional<String> basedOn, Map<String, RuleChange> changes) {
    public PolicyDraft {
        changes = Map.copyOf(changes);
    }

    public record RuleChange(Optional<Boolean> enabled, Optional<Severity> severity, Map<String, Object> params) {
        public RuleChange {
            params = Map.copyOf(params);
        }
    }
}
