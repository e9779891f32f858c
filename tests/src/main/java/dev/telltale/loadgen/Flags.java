package dev.telltale.loadgen;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} command-line flags, with defaults and a clear error for unknown ones. */
final class Flags {
    private final Map<String, String> values = new HashMap<>();

    /** @throws IllegalArgumentException for a flag not in {@code known} or one without a value */
    Flags(String[] args, Set<String> known) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown flag " + a + "; known: --" + String.join(", --", known));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("flag " + a + " needs a value");
            }
            values.put(a.substring(2), args[++i]);
        }
    }

    int integer(String name, int def) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name).replace("_", "")) : def;
    }

    long number(String name, long def) {
        return values.containsKey(name) ? Long.parseLong(values.get(name).replace("_", "")) : def;
    }

    double decimal(String name, double def) {
        return values.containsKey(name) ? Double.parseDouble(values.get(name)) : def;
    }

    /** A comma-separated list of event type names ({@code process_start,host_env}); empty by default. */
    java.util.Set<dev.telltale.protocol.event.EventType> eventTypes(String name) {
        java.util.Set<dev.telltale.protocol.event.EventType> out = new java.util.HashSet<>();
        for (String s : values.getOrDefault(name, "").split(",")) {
            if (!s.isBlank()) {
                out.add(dev.telltale.protocol.event.EventType.ofId(s.trim())
                        .orElseThrow(() -> new IllegalArgumentException("--" + name + ": no event type '" + s + "'")));
            }
        }
        return out;
    }

    /**
     * {@code KEY=VALUE,KEY=VALUE} pairs; empty by default. A comma starts a new pair only before
     * an upper-case key, so a value may hold commas of its own
     * ({@code JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=settings=profile,filename=a.jfr}).
     */
    java.util.Map<String, String> pairs(String name) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String s : values.getOrDefault(name, "").split(",(?=\\s*[A-Z_][A-Z0-9_]*=)")) {
            int eq = s.indexOf('=');
            if (eq > 0) {
                out.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
            } else if (!s.isBlank()) {
                throw new IllegalArgumentException("--" + name + " takes KEY=VALUE pairs, got '" + s + "'");
            }
        }
        return out;
    }

    String string(String name, String def) {
        return values.getOrDefault(name, def);
    }
}
