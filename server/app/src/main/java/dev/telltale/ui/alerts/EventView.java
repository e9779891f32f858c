package dev.telltale.ui.alerts;

import dev.telltale.protocol.event.FieldDef;
import dev.telltale.protocol.event.Msg;
import dev.telltale.store.EventHit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A stored event for people: its type, time, host and process, the body's fields by name (as the
 * agent sent them: paths, addresses, argv, …) and its stack trace as the agent symbolized it,
 * one frame a line ({@code #0 symbol (module+0xoffset) file:line}).
 */
record EventView(String type, When time, String host, long pid, long tid, String component, String version,
                 List<Field> fields, List<String> stack) {

    /** One body field; a repeated field (argv, addresses) has several values. */
    record Field(String name, List<String> values) {
    }

    /** The stack trace, one frame a line, for a {@code <pre>} block. */
    public String stackText() {
        return String.join("\n", stack);
    }

    static EventView of(EventHit h, Instant now) {
        long us = h.tsUs();
        Instant t = Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L);
        List<String> stack = new ArrayList<>();
        List<Msg> frames = h.event().stack();
        for (int i = 0; i < frames.size(); i++) {
            stack.add(frame(i, frames.get(i)));
        }
        return new EventView(h.event().type().id(), When.of(t, now), h.context().hostname(), h.event().pid(),
                h.event().tid(), h.context().component(), h.context().version(), fields(h.event().body()), stack);
    }

    static List<Field> fields(Msg m) {
        List<Field> out = new ArrayList<>();
        for (FieldDef f : m.schema().fields()) {
            Object v = m.raw(f);
            if (v == null) {
                continue;
            }
            List<String> values = new ArrayList<>();
            if (v instanceof List<?> many) {
                many.forEach(x -> values.add(text(x)));
            } else {
                values.add(text(v));
            }
            out.add(new Field(shortName(f.name()), values));
        }
        return out;
    }

    /** One frame: what the agent resolved (symbol, file and line) and where it is (module and offset). */
    static String frame(int index, Msg f) {
        StringBuilder s = new StringBuilder("#").append(index).append("  ");
        String symbol = f.string("stack.symbol").orElse("");
        String module = f.string("stack.module").orElse("");
        String where = module + f.number("stack.offset").map(o -> "+0x" + Long.toHexString(o)).orElse("");
        if (!symbol.isEmpty()) {
            s.append(symbol);
            if (!where.isEmpty()) {
                s.append("  (").append(where).append(')');
            }
        } else {
            s.append(where.isEmpty() ? "??" : where);
        }
        f.string("stack.file").ifPresent(file -> s.append("  ").append(file)
                .append(f.number("stack.line").map(l -> ":" + l).orElse("")));
        f.string("stack.build_id").ifPresent(b -> s.append("  [build-id ").append(b).append(']'));
        return s.toString();
    }

    private static String text(Object v) {
        return switch (v) {
            case byte[] b -> HexFormat.of().formatHex(b);
            case Msg m -> String.join(", ", fields(m).stream().map(x -> x.name() + "=" + String.join(" ", x.values()))
                    .toList());
            default -> v.toString();
        };
    }

    private static String shortName(String name) {
        return name.contains(".") ? name.substring(name.indexOf('.') + 1) : name;
    }
}
