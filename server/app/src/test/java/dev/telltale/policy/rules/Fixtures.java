package dev.telltale.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.journal.AgentContext;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.FieldDef;
import dev.telltale.protocol.event.FieldKind;
import dev.telltale.protocol.event.Msg;
import dev.telltale.protocol.event.Schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Events recorded from real programs (src/test/resources/policy-fixtures, written by
 * interceptor-bundles/native/tests/fixtures/record_fixtures.py from the search API's JSON)
 * turned back into what the engine sees: context, event, uid and time, in time order.
 */
public final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One stored event as the engine would receive it. */
    public record Recorded(AgentContext context, Event event, long uid, long timeUs) {
    }

    private Fixtures() {
    }

    public static List<Recorded> load(String scenario) {
        String res = "/policy-fixtures/" + scenario + ".json";
        try (InputStream in = Fixtures.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + res);
            }
            return parse(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Recorded> parse(JsonNode doc) {
        List<Recorded> out = new ArrayList<>();
        long uid = 1;
        for (JsonNode e : doc.path("events")) {
            EventType type = EventType.ofId(e.path("type").asText())
                    .orElseThrow(() -> new IllegalArgumentException("unknown type " + e.path("type")));
            AgentContext ctx = new AgentContext(e.path("agent").asLong(), e.path("agent_instance").asText(),
                    e.path("team_id").asLong(), e.path("team").asText(), e.path("app").asText(),
                    e.path("component").asText(), e.path("version").asText(), e.path("host").asText());
            Msg body = msg(type.schema(), e.path("fields"));
            List<Msg> stack = new ArrayList<>();
            // Fixtures are recorded without stacks; frames are read when present all the same.
            for (JsonNode f : e.path("stack")) {
                stack.add(msg(dev.telltale.protocol.event.Schemas.STACK_FRAME, f));
            }
            Event ev = new Event(type, 0, e.path("pid").asLong(), e.path("tid").asLong(), stack, body);
            out.add(new Recorded(ctx, ev, uid++, timeUs(e.path("time").asText())));
        }
        out.sort(Comparator.comparingLong(Recorded::timeUs).thenComparingLong(Recorded::uid));
        return out;
    }

    static long timeUs(String iso) {
        Instant t = Instant.parse(iso);
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    /** Body fields by name without the "env."/"map."/"stack." prefix, as EventJson writes them. */
    static Msg msg(Schema schema, JsonNode o) {
        Msg m = new Msg(schema);
        for (FieldDef f : schema.fields()) {
            String name = f.name().contains(".") ? f.name().substring(f.name().indexOf('.') + 1) : f.name();
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) {
                continue;
            }
            if (f.repeated()) {
                List<Object> items = new ArrayList<>();
                v.forEach(item -> items.add(value(f, item)));
                m.replace(f, items);
            } else {
                m.set(f, value(f, v));
            }
        }
        return m;
    }

    private static Object value(FieldDef f, JsonNode v) {
        FieldKind k = f.kind();
        return switch (k) {
            case UINT, SINT -> v.asLong();
            case BOOL -> v.asBoolean();
            case STRING -> v.asText();
            case BYTES -> HexFormat.of().parseHex(v.asText());
            case MESSAGE -> msg(f.messageSchema(), v);
        };
    }
}
