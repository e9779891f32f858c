package dev.telltale.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A rule's effective parameters under one policy: the policy's values over the rule's
 * defaults. Values were validated against the rule's {@link ParamSpec}s when the policy was
 * saved, so the accessors never see a wrong type.
 *
 * @throws IllegalArgumentException from the accessors when the rule asks for a parameter it
 *                                  did not declare (a programming error)
 */
public final class RuleParams {
    private final Map<String, Object> values;

    public RuleParams(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(String name) {
        return (List<String>) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<Integer> ports(String name) {
        return (List<Integer>) get(name);
    }

    public long integer(String name) {
        return (Long) get(name);
    }

    public Duration duration(String name) {
        return (Duration) get(name);
    }

    public boolean bool(String name) {
        return (Boolean) get(name);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return v;
    }
}
