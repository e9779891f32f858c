package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.protocol.event.FieldDef;
import dev.telltale.protocol.event.Msg;
import dev.telltale.store.EventHit;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** JSON form of stored events (the API, and the UI's exports): context, envelope, body fields by name, stack frames. */
public final class EventJson {
    private EventJson() {
    }

    /** The API's JSON form of one event (also what exports write, one object per line). */
    public static ObjectNode render(EventHit h) {
        ObjectNode o = Json.object();
        o.put("id", h.id());
        o.put("uid", h.uid());
        o.put("type", h.event().type().id());
        o.put("time", time(h.tsUs()));
        o.put("received", Instant.ofEpochMilli(h.receivedMs()).toString());
        o.put("team", h.context().teamName());
        o.put("team_id", h.context().teamId());
        o.put("app", h.context().application());
        o.put("component", h.context().component());
        o.put("version", h.context().version());
        o.put("host", h.context().hostname());
        o.put("agent", h.context().agentId());
        o.put("agent_instance", h.context().agentInstance());
        o.put("seq", h.seq());
        o.put("pid", h.event().pid());
        if (h.event().tid() != 0) {
            o.put("tid", h.event().tid());
        }
        o.set("fields", msg(h.event().body()));
        if (!h.event().stack().isEmpty()) {
            ArrayNode stack = o.putArray("stack");
            h.event().stack().forEach(f -> stack.add(msg(f)));
        }
        return o;
    }

    static String time(long us) {
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000), Math.floorMod(us, 1_000_000) * 1000L).toString();
    }

    static ObjectNode msg(Msg m) {
        ObjectNode o = Json.object();
        for (FieldDef f : m.schema().fields()) {
            Object v = m.raw(f);
            if (v == null) {
                continue;
            }
            String name = f.name().contains(".") ? f.name().substring(f.name().indexOf('.') + 1) : f.name();
            if (f.repeated()) {
                ArrayNode arr = o.putArray(name);
                for (Object item : (List<?>) v) {
                    add(arr, item);
                }
            } else {
                put(o, name, v);
            }
        }
        return o;
    }

    private static void put(ObjectNode o, String name, Object v) {
        switch (v) {
            case Long l -> o.put(name, l);
            case Boolean b -> o.put(name, b);
            case byte[] b -> o.put(name, HexFormat.of().formatHex(b));
            case Msg m -> o.set(name, msg(m));
            default -> o.put(name, v.toString());
        }
    }

    private static void add(ArrayNode arr, Object v) {
        switch (v) {
            case Long l -> arr.add(l);
            case Boolean b -> arr.add(b);
            case byte[] b -> arr.add(HexFormat.of().formatHex(b));
            case Msg m -> arr.add(msg(m));
            default -> arr.add(v.toString());
        }
    }
}
