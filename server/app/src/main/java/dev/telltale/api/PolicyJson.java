package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.policy.ParamJson;
import dev.telltale.policy.ParamSpec;
import dev.telltale.policy.Policy;
import dev.telltale.policy.PolicyDraft;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.RuleSetting;
import dev.telltale.policy.Severity;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** JSON forms of rules and policies, and reading rule changes from request bodies. */
final class PolicyJson {
    private PolicyJson() {
    }

    static ObjectNode rule(RuleInfo i) {
        ObjectNode o = Json.object().put("id", i.id()).put("title", i.title()).put("category", i.category().title())
                .put("severity", i.severity().name()).put("in_standard", i.inStandard())
                .put("rationale", i.rationale()).put("remediation", i.remediation());
        ArrayNode inputs = o.putArray("inputs");
        i.inputs().stream().map(t -> t.id()).sorted().forEach(inputs::add);
        if (i.external()) {
            o.put("fed_by", "supply-chain analysis (SBOM)");
        }
        ArrayNode params = o.putArray("params");
        for (ParamSpec p : i.params()) {
            params.addObject().put("name", p.name()).put("kind", p.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .put("description", p.description()).set("default", ParamJson.write(p, p.defaultValue()));
        }
        return o;
    }

    static ObjectNode summary(Policy p) {
        ObjectNode o = Json.object().put("id", p.id()).put("name", p.name()).put("description", p.description())
                .put("built_in", p.builtIn()).put("revision", p.revision()).put("updated_at", p.updatedAt().toString())
                .put("updated_by", p.updatedBy())
                .put("enabled_rules", p.rules().values().stream().filter(RuleSetting::enabled).count());
        p.basedOn().ifPresent(b -> o.put("based_on", b));
        p.teamId().ifPresentOrElse(t -> o.put("team_id", t), () -> o.putNull("team_id"));
        return o;
    }

    static ObjectNode full(Policy p, List<Rule> catalogue) {
        ObjectNode o = summary(p);
        ArrayNode rules = o.putArray("rules");
        for (Rule r : catalogue) {
            RuleInfo i = r.info();
            RuleSetting s = p.rules().get(i.id());
            ObjectNode ro = rules.addObject().put("id", i.id()).put("title", i.title())
                    .put("category", i.category().title()).put("enabled", s.enabled()).put("severity", s.severity().name());
            ObjectNode params = ro.putObject("params");
            i.params().forEach(spec -> params.set(spec.name(), ParamJson.write(spec, s.params().get(spec.name()))));
        }
        return o;
    }

    /** {"rule-id": {"enabled": .., "severity": "P2", "params": {..}}, ..}; absent means no changes. */
    static Map<String, PolicyDraft.RuleChange> changes(JsonNode rules) {
        Map<String, PolicyDraft.RuleChange> out = new LinkedHashMap<>();
        if (rules == null || rules.isNull()) {
            return out;
        }
        if (!rules.isObject()) {
            throw ApiProblem.badRequest("'rules' must be an object keyed by rule id");
        }
        Iterator<Map.Entry<String, JsonNode>> it = rules.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isObject()) {
                throw ApiProblem.badRequest("rules." + e.getKey() + " must be an object");
            }
            ObjectNode c = (ObjectNode) e.getValue();
            Json.onlyFields(c, "enabled", "severity", "params");
            out.put(e.getKey(), new PolicyDraft.RuleChange(enabled(e.getKey(), c.get("enabled")),
                    severity(e.getKey(), c.get("severity")), params(e.getKey(), c.get("params"))));
        }
        return out;
    }

    private static Optional<Boolean> enabled(String rule, JsonNode n) {
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isBoolean()) {
            throw ApiProblem.badRequest("rules." + rule + ".enabled must be true or false");
        }
        return Optional.of(n.asBoolean());
    }

    private static Optional<Severity> severity(String rule, JsonNode n) {
        if (n == null) {
            return Optional.empty();
        }
        return Optional.of(Severity.parse(n.asText("")).filter(s -> n.isTextual())
                .orElseThrow(() -> ApiProblem.badRequest("rules." + rule + ".severity must be one of P1, P2, P3, P4")));
    }

    private static Map<String, Object> params(String rule, JsonNode n) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (n == null) {
            return out;
        }
        if (!n.isObject()) {
            throw ApiProblem.badRequest("rules." + rule + ".params must be an object");
        }
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
