package dev.telltale.policy;

import java.util.Map;
import java.util.Objects;

/** One rule's setting in a policy: on or off, severity, and the full set of parameter values. */
public record RuleSetting(boolean enabled, Severity severity, Map<String, Object> params) {
    public RuleSetting {
        Objects.requireNonNull(severity);
        params = Map.copyOf(params);
    }

    /** The rule's defaults, enabled or not. */
    public static RuleSetting defaults(RuleInfo info, boolean enabled) {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        info.params().forEach(s -> p.put(s.name(), s.defaultValue()));
        return new RuleSetting(enabled, info.severity(), p);
    }
}
