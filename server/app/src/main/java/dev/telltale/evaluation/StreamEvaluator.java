package dev.telltale.evaluation;

import dev.telltale.journal.AgentContext;
import dev.telltale.journal.JournalRecord;
import dev.telltale.policy.CompiledPolicy;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Firing;
import dev.telltale.policy.Observation;
import dev.telltale.policy.PolicySnapshot;
import dev.telltale.policy.ProcessState;
import dev.telltale.policy.Severity;
import dev.telltale.protocol.WireReader;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs the policies over journal records, in journal order, keeping per-process state.
 * Deterministic: the same records from the same state give the same findings, which is what
 * lets the engine re-evaluate after a crash without losing or duplicating alerts.
 * Single-threaded.
 */
final class StreamEvaluator {
    /** Types that change process state whether or not a rule examines them. */
    private static final Set<EventType> STATEFUL = EnumSet.of(EventType.PROCESS_START, EventType.IDENTITY,
            EventType.NETWORK, EventType.PROCESS, EventType.PROCESS_EXIT);

    private final ProcessTable processes;
    private final Observation observation = new Observation();
    private final Collector collector = new Collector();
    private final Consumer<RuntimeException> ruleError;
    private final EventObserver observer;

    StreamEvaluator(ProcessTable processes, Consumer<RuntimeException> ruleError) {
        this(processes, ruleError, EventObserver.NONE);
    }

    StreamEvaluator(ProcessTable processes, Consumer<RuntimeException> ruleError, EventObserver observer) {
        this.processes = processes;
        this.ruleError = ruleError;
        this.observer = observer;
    }

    /** Evaluates every event of {@code r} under the policy that applies to its agent. */
    void evaluate(JournalRecord r, PolicySnapshot policies, List<Finding> out) {
        AgentContext ctx = r.context();
        CompiledPolicy policy = policies.resolve(ctx);
        collector.out = out;
        collector.policy = policy.name();
        for (int i = 0; i < r.size(); i++) {
            EventType type = r.type(i);
            CompiledPolicy.Entry[] rules = policy.rulesFor(type);
            // A network event's operation decides whether it changes state; rules reuse the peek.
            String op = type == EventType.NETWORK ? EventCodec.peekOp(r.encoded()[i], 0, r.encoded()[i].length) : null;
            boolean stateful = STATEFUL.contains(type) && (op == null || changesState(op));
            boolean observed = observer.wants(type, op, r.encoded()[i]);
            if (rules.length == 0 && !stateful && !observed) {
                continue;
            }
            event(r, i, type, rules, stateful, observed, op);
        }
    }

    private void event(JournalRecord r, int i, EventType type, CompiledPolicy.Entry[] rules, boolean stateful,
                       boolean observed, String peekedOp) {
        AgentContext ctx = r.context();
        byte[] enc = r.encoded()[i];
        long uid = r.firstUid() + i;
        long timeUs = r.timeUs(i);
        long pid = stateful ? -1 : pidOf(enc);
        Event event = null;
        if (stateful) {
            event = decode(enc);
            if (event == null) {
                return;
            }
            pid = event.pid();
        }
        ProcessState state = processes.getOrCreate(ctx.agentId(), pid);
        long ppid = type == EventType.PROCESS_START && event != null
                ? event.body().number("ppid").orElse(state.ppid) : state.ppid;
        Optional<ProcessState> parent = ppid == pid ? Optional.empty() : processes.get(ctx.agentId(), ppid);
        if (event != null) {
            observation.reset(ctx, event, uid, timeUs, state, parent);
        } else {
            observation.resetEncoded(ctx, type, enc, uid, timeUs, state, parent);
            if (peekedOp != null) {
                observation.knownOp(peekedOp);
            }
        }
        collector.start(ctx, uid, timeUs, pid);
        for (CompiledPolicy.Entry e : rules) {
            observation.ruleIndex(e.index());
            collector.entry = e;
            try {
                e.rule().evaluate(observation, e.params(), collector);
            } catch (RuntimeException ex) {
                ruleError.accept(ex);
            }
        }
        if (stateful) {
            state.apply(event, timeUs);
            afterApply(ctx, event, state);
        } else {
            state.lastSeenUs = Math.max(state.lastSeenUs, timeUs);
        }
        if (observed) {
            // Decoded apart from the rules' view, which may read the encoded event's stack lazily.
            Event seen = event != null ? event : decode(enc);
            if (seen != null) {
                observer.observe(ctx, seen, uid, timeUs, state.exe);
            }
        }
    }

    /** Network operations that make a process network-facing or record a lookup (see ProcessState). */
    private static boolean changesState(String op) {
        return op.equals("bind") || op.equals("listen") || op.startsWith("accept") || op.equals("dns");
    }

    /** A fork's child inherits what makes it risky; an exited process is forgotten. */
    private void afterApply(AgentContext ctx, Event e, ProcessState s) {
        if (e.type() == EventType.PROCESS_EXIT) {
            processes.remove(ctx.agentId(), s.pid);
            return;
        }
        if (e.type() != EventType.PROCESS) {
            return;
        }
        String op = e.body().string("op").orElse("");
        long child = e.body().number("child_pid").orElse(0L);
        if (child <= 0 || child == s.pid || !(op.equals("fork") || op.equals("vfork") || op.equals("clone")
                || op.startsWith("posix_spawn"))) {
            return;
        }
        ProcessState c = processes.getOrCreate(ctx.agentId(), child);
        c.ppid = s.pid;
        if (c.exe.isEmpty() && !op.startsWith("posix_spawn")) {
            c.exe = s.exe;
            c.uid = s.uid;
            c.euid = s.euid;
            c.gid = s.gid;
            c.egid = s.egid;
            c.startEuid = s.euid;
            c.networkFacing = s.networkFacing;
            c.firstBindUs = s.firstBindUs;
            c.boundAddress = s.boundAddress;
            c.boundAsRoot = s.boundAsRoot;
            c.droppedRoot = s.droppedRoot;
        }
        c.containerRuntime = s.containerRuntime;
        c.lastSeenUs = s.lastSeenUs;
    }

    private Event decode(byte[] enc) {
        try {
            return dev.telltale.protocol.event.EventCodec.decodeWithoutStack(enc, 0, enc.length);
        } catch (RuntimeException e) {
            ruleError.accept(e); // the journal validated it at ingest; this is a bug, not bad input
            return null;
        }
    }

    /** The envelope's pid (field 3) without decoding the body. */
    static long pidOf(byte[] enc) {
        WireReader r = new WireReader(enc, 0, enc.length);
        while (r.hasMore()) {
            int tag = r.readTag();
            if (tag == (3 << 3)) {
                return r.readVarint();
            }
            r.skip(tag & 7);
        }
        return 0;
    }

    /** Turns rule matches into findings stamped with the event's context. */
    private static final class Collector implements Firing {
        List<Finding> out;
        String policy;
        CompiledPolicy.Entry entry;
        private AgentContext ctx;
        private long uid;
        private long timeUs;
        private long pid;

        void start(AgentContext ctx, long uid, long timeUs, long pid) {
            this.ctx = ctx;
            this.uid = uid;
            this.timeUs = timeUs;
            this.pid = pid;
        }

        @Override
        public void fire(String key, String summary) {
            fire(key, summary, entry.severity());
        }

        @Override
        public void fire(String key, String summary, Severity severity) {
            Instant t = Instant.ofEpochSecond(Math.floorDiv(timeUs, 1_000_000), Math.floorMod(timeUs, 1_000_000) * 1000L);
            out.add(new Finding(ctx.teamId(), ctx.application(), ctx.component(), ctx.version(), ctx.hostname(),
                    entry.rule().info().id(), severity, Clip.key(key), Clip.summary(summary), uid, t, ctx.agentId(), pid,
                    policy));
        }
    }
}
