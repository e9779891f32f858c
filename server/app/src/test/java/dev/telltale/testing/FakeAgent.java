package dev.telltale.testing;

import dev.telltale.protocol.Compression;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;
import dev.telltale.protocol.event.Schemas;

import java.util.List;
import java.util.Optional;

/** An agent over the real protocol: says hello as a process of an application and sends events. */
public final class FakeAgent {
    private FakeAgent() {
    }

    /** Connects as {@code instance} on {@code host} running app/component/version, sends {@code events} in one batch and waits for the ACK. */
    public static void send(RunningAppliance app, String runToken, String instance, String host, String application,
                            String component, String version, List<Event> events) throws Exception {
        try (AgentConnection conn = app.connect()) {
            conn.hello(new Hello(1, runToken, instance, "native", "0.3.1", host, application, component, version,
                    Optional.empty(), Compression.ZSTD, Optional.empty()));
            conn.sendRaw(conn.encoder().frame(1, System.currentTimeMillis() * 1000, events));
            conn.awaitAck(events.size());
        }
    }

    /** A successful open of {@code path} by pid 4242, with a two-frame symbolized stack trace. */
    public static Event open(String path, long dtUs) {
        Event e = Event.of(EventType.FILE, dtUs, 4242, 4243);
        e.body().set("op", "open").set("path", path).set("flags", 0L).set("result", 3L);
        e.stack().add(new Msg(Schemas.STACK_FRAME).set("stack.symbol", "load_credentials")
                .set("stack.module", "/opt/shop/lib/libauth.so").set("stack.offset", 0x1a2bL)
                .set("stack.file", "src/auth.c").set("stack.line", 88L));
        e.stack().add(new Msg(Schemas.STACK_FRAME).set("stack.symbol", "main")
                .set("stack.module", "/opt/shop/bin/checkout").set("stack.offset", 0x4f0L));
        return e;
    }
}
