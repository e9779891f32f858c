package dev.telltale.policy.rules;

import dev.telltale.protocol.event.Msg;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads event fields without ever throwing: agents are untrusted, so a field that is absent,
 * of another type or unknown to the schema reads as "" (strings), the given default
 * (numbers), empty (booleans) or an empty list.
 */
final class Fields {
    private Fields() {
    }

    static String str(Msg m, String name) {
        return raw(m, name) instanceof String s ? s : "";
    }

    static long num(Msg m, String name, long dflt) {
        return raw(m, name) instanceof Long n ? n : dflt;
    }

    static boolean has(Msg m, String name) {
        return raw(m, name) != null;
    }

    static Optional<Boolean> bool(Msg m, String name) {
        return raw(m, name) instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    static List<String> strings(Msg m, String name) {
        return listOf(m, name, String.class);
    }

    static List<Long> numbers(Msg m, String name) {
        return listOf(m, name, Long.class);
    }

    static List<Msg> messages(Msg m, String name) {
        return listOf(m, name, Msg.class);
    }

    private static <T> List<T> listOf(Msg m, String name, Class<T> type) {
        if (!(raw(m, name) instanceof List<?> l)) {
            return List.of();
        }
        List<T> out = new ArrayList<>(l.size());
        for (Object o : l) {
            if (type.isInstance(o)) {
                out.add(type.cast(o));
            }
        }
        return out;
    }

    private static Object raw(Msg m, String name) {
        if (m == null) {
            return null;
        }
        try {
            return m.get(name).orElse(null);
        } catch (RuntimeException unknownField) {
            return null;
        }
    }
}
