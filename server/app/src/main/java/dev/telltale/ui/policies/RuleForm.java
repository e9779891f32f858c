package dev.telltale.ui.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.telltale.policy.ParamJson;
import dev.telltale.policy.ParamSpec;
import dev.telltale.policy.Policy;
import dev.telltale.policy.PolicyDraft;
import dev.telltale.policy.PolicyException;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.RuleSetting;
import dev.telltale.policy.Severity;
import dev.telltale.ui.Form;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules of a policy as an HTML form: each rule's enable checkbox, severity and parameters
 * as text the user edits (lists one item per line, ports separated by commas, durations as
 * ISO-8601 or 90s/5m/2h/1d). Parsing validates every parameter with the same checks the policy
 * service applies, so each error can be shown next to its field.
 */
final class RuleForm {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})\\s*([smhd])");
    /** How the policy service names a bad parameter: "parameter 'NAME' of rule ID must ...". */
    private static final Pattern PARAM_ERROR = Pattern.compile("parameter '([a-z0-9-]+)' of rule (\\S+) (.+)");

    /** One rule's state in the form: enabled, severity and each parameter as the text shown. */
    record RuleState(boolean enabled, String severity, Map<String, String> texts) {
    }

    /** A parameter as the template shows it. */
    record ParamView(String key, String htmlId, String name, String kind, String text, boolean checked,
                     String description, String hint, String error) {
        public boolean hasError() {
            return !error.isEmpty();
        }
    }

    /** A rule as the template shows it. */
    record RuleView(String id, String htmlId, String title, String category, boolean enabled, String severity,
                    String severityError, List<ParamView> params) {
    }

    /** The rules of one category. */
    record CategoryView(String title, List<RuleView> rules) {
    }

    /** The changes a submitted form asks for, or the errors keyed by field name. */
    record Parsed(Map<String, PolicyDraft.RuleChange> changes, Map<String, String> errors) {
    }

    private RuleForm() {
    }

    static String enabledField() {
        return "on";
    }

    static String severityField(String ruleId) {
        return "sev." + ruleId;
    }

    static String paramField(String ruleId, String param) {
        return "param." + ruleId + "." + param;
    }

    /** An element id: letters, digits and hyphens only, so CSS selectors and labels need no escaping. */
    static String htmlId(String field) {
        return "f-" + field.replace('.', '-');
    }

    /** The form state of a stored policy. */
    static Map<String, RuleState> of(Policy p, List<Rule> catalogue) {
        Map<String, RuleState> out = new LinkedHashMap<>();
        for (Rule r : catalogue) {
            RuleInfo i = r.info();
            RuleSetting s = p.rules().get(i.id());
            Map<String, String> texts = new LinkedHashMap<>();
            i.params().forEach(spec -> texts.put(spec.name(), text(spec, s.params().get(spec.name()))));
            out.put(i.id(), new RuleState(s.enabled(), s.severity().name(), texts));
        }
        return out;
    }

    /** A stored policy's rules with their parameters summarised for reading (not for a form). */
    static Map<String, RuleState> summaries(Policy p, List<Rule> catalogue) {
        Map<String, RuleState> out = new LinkedHashMap<>();
        for (Rule r : catalogue) {
            RuleInfo i = r.info();
            RuleSetting s = p.rules().get(i.id());
            Map<String, String> texts = new LinkedHashMap<>();
            i.params().forEach(spec -> texts.put(spec.name(), summary(spec, s.params().get(spec.name()))));
            out.put(i.id(), new RuleState(s.enabled(), s.severity().name(), texts));
        }
        return out;
    }

    /** The form state as submitted (unchecked boxes are absent from a form, so absent means off). */
    static Map<String, RuleState> of(Form f, List<Rule> catalogue) {
        Set<String> on = Set.copyOf(f.all(enabledField()));
        Map<String, RuleState> out = new LinkedHashMap<>();
        for (Rule r : catalogue) {
            RuleInfo i = r.info();
            Map<String, String> texts = new LinkedHashMap<>();
            for (ParamSpec spec : i.params()) {
                String field = paramField(i.id(), spec.name());
                texts.put(spec.name(), spec.kind() == dev.telltale.policy.ParamKind.BOOLEAN
                        ? String.valueOf(f.first(field).isPresent()) : f.first(field).orElse(""));
            }
            out.put(i.id(), new RuleState(on.contains(i.id()), f.text(severityField(i.id())), texts));
        }
        return out;
    }

    /** Validates the state into rule changes; every problem is reported against its field. */
    static Parsed parse(Map<String, RuleState> state, List<Rule> catalogue) {
        Map<String, PolicyDraft.RuleChange> changes = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (Rule r : catalogue) {
            RuleInfo i = r.info();
            RuleState s = state.get(i.id());
            Optional<Severity> sev = Severity.parse(s.severity());
            if (sev.isEmpty()) {
                errors.put(severityField(i.id()), "Choose P1, P2, P3 or P4.");
            }
            Map<String, Object> params = new LinkedHashMap<>();
            for (ParamSpec spec : i.params()) {
                try {
                    params.put(spec.name(), ParamJson.read(i.id(), spec, node(spec, s.texts().get(spec.name()))));
                } catch (PolicyException e) {
                    errors.put(paramField(i.id(), spec.name()), fieldMessage(e.getMessage()).orElse(e.getMessage()));
                }
            }
            changes.put(i.id(), new PolicyDraft.RuleChange(Optional.of(s.enabled()), sev, params));
        }
        return new Parsed(changes, errors);
    }

    /**
     * The field a policy service message is about ({@code param.RULE.NAME}), when it names a
     * rule parameter.
     */
    static Optional<String> fieldOf(String message) {
        Matcher m = PARAM_ERROR.matcher(message);
        return m.matches() ? Optional.of(paramField(m.group(2), m.group(1))) : Optional.empty();
    }

    /** "parameter 'x' of rule y must be ..." becomes "Must be ...", for showing next to the field. */
    static Optional<String> fieldMessage(String message) {
        Matcher m = PARAM_ERROR.matcher(message);
        if (!m.matches()) {
            return Optional.empty();
        }
        String rest = m.group(3);
        return Optional.of(Character.toUpperCase(rest.charAt(0)) + rest.substring(1) + (rest.endsWith(".") ? "" : "."));
    }

    /** The view of every rule by category, in catalogue order. */
    static List<CategoryView> view(Map<String, RuleState> state, List<Rule> catalogue, Map<String, String> errors) {
        Map<String, List<RuleView>> byCategory = new LinkedHashMap<>();
        for (Rule r : catalogue) {
            RuleInfo i = r.info();
            RuleState s = state.get(i.id());
            List<ParamView> params = new ArrayList<>();
            for (ParamSpec spec : i.params()) {
                String field = paramField(i.id(), spec.name());
                String text = s.texts().get(spec.name());
                params.add(new ParamView(field, htmlId(field), spec.name(), spec.kind().name().toLowerCase(Locale.ROOT),
                        text, "true".equals(text), spec.description(), hint(spec), errors.getOrDefault(field, "")));
            }
            byCategory.computeIfAbsent(i.category().title(), k -> new ArrayList<>()).add(new RuleView(i.id(),
                    htmlId("rule." + i.id()), i.title(), i.category().title(), s.enabled(), s.severity(),
                    errors.getOrDefault(severityField(i.id()), ""), params));
        }
        return byCategory.entrySet().stream().map(e -> new CategoryView(e.getKey(), List.copyOf(e.getValue()))).toList();
    }

    /** A value as the form shows it. */
    static String text(ParamSpec spec, Object value) {
        return switch (spec.kind()) {
            case STRINGS -> String.join("\n", ((List<?>) value).stream().map(String::valueOf).toList());
            case PORTS -> ((List<?>) value).stream().map(String::valueOf).collect(Collectors.joining(", "));
            case INTEGER, BOOLEAN, DURATION -> String.valueOf(value);
        };
    }

    /** A value as a policy's page shows it in a table. */
    static String summary(ParamSpec spec, Object value) {
        return switch (spec.kind()) {
            case STRINGS, PORTS -> ((List<?>) value).isEmpty() ? "(none)"
                    : ((List<?>) value).stream().map(String::valueOf).collect(Collectors.joining(", "));
            case BOOLEAN -> (Boolean) value ? "yes" : "no";
            case INTEGER, DURATION -> String.valueOf(value);
        };
    }

    private static String hint(ParamSpec spec) {
        return switch (spec.kind()) {
            case STRINGS -> "One per line.";
            case PORTS -> "Port numbers 0-65535, separated by commas.";
            case INTEGER -> "A whole number, 0 or more.";
            case DURATION -> "A duration such as 90s, 5m, 2h, 1d or ISO-8601 PT60S.";
            case BOOLEAN -> "";
        };
    }

    /**
     * The JSON the policy service reads for this text. What cannot be the right type is passed on
     * as text, so the service's own check refuses it with its message.
     */
    static JsonNode node(ParamSpec spec, String text) {
        String t = text == null ? "" : text.strip();
        return switch (spec.kind()) {
            case STRINGS -> {
                ArrayNode a = NODES.arrayNode();
                t.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(a::add);
                yield a;
            }
            case PORTS -> {
                ArrayNode a = NODES.arrayNode();
                for (String p : t.split("[,\\s]+")) {
                    if (!p.isEmpty()) {
                        a.add(p.matches("\\d{1,9}") ? NODES.numberNode(Long.parseLong(p)) : NODES.textNode(p));
                    }
                }
                yield a;
            }
            case INTEGER -> t.matches("\\d{1,18}") ? NODES.numberNode(Long.parseLong(t)) : NODES.textNode(t);
            case DURATION -> NODES.textNode(duration(t));
            case BOOLEAN -> NODES.booleanNode(Boolean.parseBoolean(t));
        };
    }

    private static String duration(String t) {
        Matcher m = SHORT_DURATION.matcher(t.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return t.toUpperCase(Locale.ROOT);
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        return d.toString();
    }
}
