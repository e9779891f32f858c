package dev.telltale.loadgen;

import dev.telltale.protocol.BatchEncoder;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.WireWriter;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The reference's sample session (telemetry-events.txt: a Spring Boot launch, five requests,
 * then about 30 minutes idle; 743 events, 659,081 bytes in the reference) rebuilt from
 * realistic events with exactly the reference's mix, and encoded the way an agent sends it:
 * one connection per process, HELLO, then zstd-stream BATCH frames flushed whenever a second
 * of the timeline has passed or 500 events have accumulated, and BYE when a process exits.
 */
public final class SampleSession {
    /** The reference's event counts by type, in the order its summary lists them. */
    public static final Map<EventType, Integer> REFERENCE_MIX = referenceMix();
    /** The reference's total of raw telemetry bytes for the same session. */
    public static final long REFERENCE_BYTES = 659_081;
    /** When the session starts (2026-01-05T09:00:00Z), so that encodings are reproducible. */
    public static final long START_US = 1_767_603_600_000_000L;
    static final int FLUSH_EVENTS = 500;
    static final long FLUSH_US = 1_000_000;

    private final List<SessionScript.Track> tracks;
    private final long seed;

    private SampleSession(List<SessionScript.Track> tracks, long seed) {
        this.tracks = tracks;
        this.seed = seed;
    }

    private static Map<EventType, Integer> referenceMix() {
        Map<EventType, Integer> m = new LinkedHashMap<>();
        m.put(EventType.PROCESS_START, 3);
        m.put(EventType.PROCESS_EXIT, 2);
        m.put(EventType.HOST_ENV, 3);
        m.put(EventType.PACKAGE_INFO, 48);
        m.put(EventType.API, 8);
        m.put(EventType.HEARTBEAT, 248);
        m.put(EventType.NETWORK, 9);
        m.put(EventType.DEPENDENCY, 103);
        m.put(EventType.MEMORY_WARNING, 197);
        m.put(EventType.FILE, 120);
        m.put(EventType.WEBAPP, 2);
        return Collections.unmodifiableMap(m);
    }

    /** The session over this machine's profile; the same seed gives the same session. */
    public static SampleSession create(long seed) {
        return new SampleSession(new SessionScript(RealisticEvents.create(seed), seed).build(), seed);
    }

    /** Every event of the session, process by process; {@code dtUs} is microseconds since {@link #START_US}. */
    public List<Event> events() {
        List<Event> all = new ArrayList<>();
        tracks.forEach(t -> all.addAll(t.events()));
        return all;
    }

    /** Events per type. */
    public Map<EventType, Integer> mix() {
        Map<EventType, Integer> m = new EnumMap<>(EventType.class);
        for (Event e : events()) {
            m.merge(e.type(), 1, Integer::sum);
        }
        return m;
    }

    /** The processes, one agent connection each. */
    public List<ProcessModel> processes() {
        return tracks.stream().map(SessionScript.Track::process).toList();
    }

    /** From the first event to the last, in microseconds. */
    public long durationUs() {
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (Event e : events()) {
            min = Math.min(min, e.dtUs());
            max = Math.max(max, e.dtUs());
        }
        return max - min;
    }

    /** The frames process {@code index} sends, in order: HELLO, BATCHes, and BYE if it exits. */
    public List<byte[]> frames(int index, String runToken) {
        SessionScript.Track t = tracks.get(index);
        List<byte[]> out = new ArrayList<>();
        out.add(Frames.frame(FrameType.HELLO, hello(t.process(), index, runToken).encode()));
        try (BatchEncoder enc = new BatchEncoder(Compression.ZSTD)) {
            long seq = 1;
            long base = -1;
            for (Event e : t.events()) {
                if (base >= 0 && (e.dtUs() - base >= FLUSH_US || enc.count() >= FLUSH_EVENTS)) {
                    int n = enc.count();
                    out.add(enc.finish(seq, START_US + base));
                    seq += n;
                    base = -1;
                }
                if (base < 0) {
                    base = e.dtUs();
                }
                enc.add(new Event(e.type(), e.dtUs() - base, e.pid(), e.tid(), e.stack(), e.body()));
            }
            if (enc.count() > 0) {
                out.add(enc.finish(seq, START_US + base));
            }
        }
        if (t.exits()) {
            out.add(Frames.frame(FrameType.BYE, new WireWriter(0)));
        }
        return out;
    }

    /**
     * Bytes the session's agents send inside TLS: every frame of every connection, headers
     * included. Appliance answers (WELCOME, ACKs) are not counted, as the reference counts
     * only telemetry.
     */
    public long wireBytes() {
        String token = "tt_run_" + FakeSecrets.pick(new Random(seed), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 43);
        long total = 0;
        for (int i = 0; i < tracks.size(); i++) {
            for (byte[] f : frames(i, token)) {
                total += f.length;
            }
        }
        return total;
    }

    /** HELLO of one process's agent: native interceptor for the shell and Python, Java agent for the JVM. */
    public Hello hello(ProcessModel p, int index, String runToken) {
        return new Hello(Frames.PROTOCOL_VERSION, runToken, "sample-" + p.containerId().substring(0, 12) + "-" + index,
                p.java() ? "java" : "native", "0.1.0", p.hostname(), p.application(), p.component(), "1.4.2",
                Optional.empty(), Compression.ZSTD, Optional.of(p.containerId()));
    }
}
