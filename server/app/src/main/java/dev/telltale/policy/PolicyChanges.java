package dev.telltale.policy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Applies and describes a draft's rule changes, validating every rule id and parameter. */
final class PolicyChanges {
    private PolicyChanges() {
    }

    static Map<String, RuleSetting> apply(Map<String, RuleInfo> infos, Map<String, RuleSetting> base,
                                          Map<String, PolicyDraft.RuleChange> changes) {
        Map<String, RuleSetting> out = new LinkedHashMap<>(base);
        changes.forEach((ruleId, change) -> {
            RuleInfo info = infos.get(ruleId);
            if (info == null) {
                throw PolicyException.invalid("no rule '" + ruleId + "'; GET /api/v1/rules lists them");
            }
            RuleSetting old = out.get(ruleId);
            Map<String, Object> params = new LinkedHashMap<>(old.params());
            change.params().forEach((name, value) -> {
                ParamSpec spec = info.params().stream().filter(p -> p.name().equals(name)).findFirst()
                        .orElseThrow(() -> PolicyException.invalid("rule " + ruleId + " has no parameter '" + name + "'"));
                params.put(name, value instanceof JsonNode n ? ParamJson.read(ruleId, spec, n) : typed(ruleId, spec, value));
            });
            out.put(ruleId, new RuleSetting(change.enabled().orElse(old.enabled()), change.severity().orElse(old.severity()),
                    params));
        });
        return out;
    }

    private static Object typed(String ruleId, ParamSpec spec, Object value) {
        if (!ParamSpec.kind(spec.kind(), value)) {
            throw PolicyException.invalid("parameter '" + spec.name() + "' of rule " + ruleId + " must be " + spec.kind());
        }
        return value;
    }

    /** A short account of what changed, for the audit log. */
    static String describe(Map<String, RuleSetting> before, Map<String, RuleSetting> after) {
        List<String> parts = new ArrayList<>();
        after.forEach((id, s) -> {
            RuleSetting b = before.get(id);
            if (b == null || b.enabled() != s.enabled()) {
                parts.add(id + (s.enabled() ? " enabled" : " disabled"));
            }
            if (b != null && b.severity() != s.severity()) {
                parts.add(id + " " + b.severity() + "->" + s.severity());
            }
            if (b != null && !Objects.equals(b.params(), s.params())) {
                parts.add(id + " parameters changed");
            }
        });
        return parts.isEmpty() ? "no rule changes" : String.join(", ", parts);
    }
}
