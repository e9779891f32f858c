package dev.telltale.ui.events;

import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.FieldDef;
import dev.telltale.protocol.event.Index;
import dev.telltale.protocol.event.Schema;
import dev.telltale.protocol.event.Schemas;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The searchable field names shown under the query box, read from the event schemas (the store
 * indexes exactly their keyword and number fields), so the hints cannot drift from the index.
 */
final class FieldHints {
    /** One event type and its searchable fields. */
    record TypeFields(String type, String fields) {
    }

    /** A query to copy, and what it finds. */
    record Example(String query, String finds) {
    }

    static final String CONTEXT = "type app component version host team (id) agent (id) pid seq ts (µs)";
    static final String STACK = String.join(" ", fields(Schemas.STACK_FRAME));
    static final List<TypeFields> TYPES = types();
    static final List<Example> EXAMPLES = List.of(
            new Example("type:file AND path:/etc/shadow", "reads and writes of one file"),
            new Example("type:network AND op:connect AND rport:[1 TO 1023]", "outbound connections to low ports"),
            new Example("type:process AND path:/bin/*", "processes started from /bin"),
            new Example("host:web-1 AND NOT type:heartbeat", "everything but heartbeats from one host"),
            new Example("app:shop AND version:1.4.2", "one version of one application"),
            new Example("checkout OR payment", "words anywhere in the event text"));

    private FieldHints() {
    }

    private static List<TypeFields> types() {
        List<TypeFields> out = new ArrayList<>();
        for (EventType t : EventType.values()) {
            out.add(new TypeFields(t.id(), String.join(" ", fields(t.schema()))));
        }
        return List.copyOf(out);
    }

    private static Set<String> fields(Schema s) {
        Set<String> out = new LinkedHashSet<>();
        for (FieldDef f : s.fields()) {
            if (f.messageSchema() != null) {
                out.addAll(fields(f.messageSchema()));
            } else if (f.index() == Index.KEYWORD || f.index() == Index.KEYWORD_TEXT || f.index() == Index.NUMBER) {
                out.add(f.name());
            }
        }
        return out;
    }
}
