package dev.telltale.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A rule parameter: its name (kebab-case), kind, default value and meaning. Values are
 * {@code List<String>} for STRINGS, {@code List<Integer>} for PORTS, {@code Long} for INTEGER,
 * {@code Duration} for DURATION and {@code Boolean} for BOOLEAN.
 */
public record ParamSpec(String name, ParamKind kind, Object defaultValue, String description) {
    public ParamSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(defaultValue);
        Objects.requireNonNull(description);
        if (!kind(kind, defaultValue)) {
            throw new IllegalArgumentException("default of " + name + " is not a " + kind);
        }
    }

    public static ParamSpec strings(String name, List<String> defaults, String description) {
        return new ParamSpec(name, ParamKind.STRINGS, List.copyOf(defaults), description);
    }

    public static ParamSpec ports(String name, List<Integer> defaults, String description) {
        return new ParamSpec(name, ParamKind.PORTS, List.copyOf(defaults), description);
    }

    public static ParamSpec integer(String name, long defaultValue, String description) {
        return new ParamSpec(name, ParamKind.INTEGER, defaultValue, description);
    }

    public static ParamSpec duration(String name, Duration defaultValue, String description) {
        return new ParamSpec(name, ParamKind.DURATION, defaultValue, description);
    }

    public static ParamSpec bool(String name, boolean defaultValue, String description) {
        return new ParamSpec(name, ParamKind.BOOLEAN, defaultValue, description);
    }

    /** True when {@code value} has the Java type {@code kind} promises. */
    static boolean kind(ParamKind kind, Object value) {
        return switch (kind) {
            case STRINGS -> value instanceof List<?> l && l.stream().allMatch(String.class::isInstance);
            case PORTS -> value instanceof List<?> l && l.stream().allMatch(
                    v -> v instanceof Integer i && i >= 0 && i <= 65535);
            case INTEGER -> value instanceof Long n && n >= 0;
            case DURATION -> value instanceof Duration d && !d.isNegative();
            case BOOLEAN -> value instanceof Boolean;
        };
    }
}
