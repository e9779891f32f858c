package dev.telltale.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rule parameters as JSON: validated reading (from API bodies and the database) and writing.
 * Limits keep a policy small enough to evaluate fast and store in one row.
 */
public final class ParamJson {
    static final int MAX_ITEMS = 1000;
    static final int MAX_STRING = 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ParamJson() {
    }

    /**
     * The value of {@code spec} in {@code node}.
     *
     * @throws PolicyException (INVALID) naming the rule and parameter when the value has the wrong shape
     */
    public static Object read(String ruleId, ParamSpec spec, JsonNode node) {
        String where = "parameter '" + spec.name() + "' of rule " + ruleId;
        return switch (spec.kind()) {
            case STRINGS -> strings(where, node);
            case PORTS -> ports(where, node);
            case INTEGER -> {
                if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() < 0) {
                    throw PolicyException.invalid(where + " must be a non-negative integer");
                }
                yield node.asLong();
            }
            case DURATION -> duration(where, node);
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw PolicyException.invalid(where + " must be true or false");
                }
                yield node.asBoolean();
            }
        };
    }

    private static List<String> strings(String where, JsonNode node) {
        if (!node.isArray() || node.size() > MAX_ITEMS) {
            throw PolicyException.invalid(where + " must be an array of at most " + MAX_ITEMS + " strings");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode n : node) {
            if (!n.isTextual() || n.asText().isEmpty() || n.asText().length() > MAX_STRING) {
                throw PolicyException.invalid(where + " must hold non-empty strings of at most " + MAX_STRING + " characters");
            }
            out.add(n.asText());
        }
        return List.copyOf(out);
    }

    private static List<Integer> ports(String where, JsonNode node) {
        if (!node.isArray() || node.size() > MAX_ITEMS) {
            throw PolicyException.invalid(where + " must be an array of at most " + MAX_ITEMS + " port numbers");
        }
        List<Integer> out = new ArrayList<>(node.size());
        for (JsonNode n : node) {
            if (!n.isIntegralNumber() || n.asLong() < 0 || n.asLong() > 65535) {
                throw PolicyException.invalid(where + " must hold port numbers 0-65535");
            }
            out.add(n.asInt());
        }
        return List.copyOf(out);
    }

    private static Duration duration(String where, JsonNode node) {
        try {
            Duration d = Duration.parse(node.asText(""));
            if (!node.isTextual() || d.isNegative() || d.compareTo(Duration.ofDays(365)) > 0) {
                throw PolicyException.invalid(where + " must be an ISO-8601 duration between PT0S and P365D");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw PolicyException.invalid(where + " must be an ISO-8601 duration such as \"PT60S\"");
        }
    }

    /** The JSON form of a value read by {@link #read}. */
    public static JsonNode write(ParamSpec spec, Object value) {
        return switch (spec.kind()) {
            case STRINGS, PORTS -> {
                ArrayNode a = NODES.arrayNode();
                ((List<?>) value).forEach(v -> a.add(v instanceof Integer i ? NODES.numberNode(i) : NODES.textNode((String) v)));
                yield a;
            }
            case INTEGER -> NODES.numberNode((Long) value);
            case DURATION -> NODES.textNode(value.toString());
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
        };
    }

    /** All of a rule's parameter values as one JSON object text (the database form). */
    static String toText(RuleInfo info, Map<String, Object> values) {
        ObjectNode o = NODES.objectNode();
        for (ParamSpec s : info.params()) {
            o.set(s.name(), write(s, values.getOrDefault(s.name(), s.defaultValue())));
        }
        return o.toString();
    }

    /**
     * Reads the database form; parameters it lacks (added to the rule since) take their
     * defaults, parameters the rule no longer has are dropped.
     */
    static Map<String, Object> fromText(RuleInfo info, String text) {
        JsonNode o;
        try {
            o = MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw PolicyException.invalid("stored parameters of rule " + info.id() + " are not JSON");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParamSpec s : info.params()) {
            JsonNode n = o.get(s.name());
            out.put(s.name(), n == null ? s.defaultValue() : read(info.id(), s, n));
        }
        return out;
    }
}
