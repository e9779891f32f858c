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

    String string(String name, String def) {
        return values.getOrDefault(name, def);
    }
}
