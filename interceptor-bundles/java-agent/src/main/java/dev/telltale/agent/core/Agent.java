package dev.telltale.agent.core;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The real agent, defined in the boot class's private loader. Starts only when the
 * interceptor and its forwarder are there (docs/java-agent.md); otherwise it returns at once
 * and leaves the JVM as it found it.
 *
 * <p>Method tracing ({@code TELLTALE_JAVA_METHODS}, {@code TELLTALE_JAVA_TRACE_FILE}) adds the
 * agent's only class file transformer, {@link MethodTracer}; without those variables none is
 * registered and no class is changed.
 */
public final class Agent {
    static final String VERSION = "0.1.0";
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static volatile Transport transport;

    private Agent() {
    }

    /**
     * Called by the boot class. Registers the class-load observer and starts the worker
     * thread; returns quickly and never throws.
     */
    public static void start(String args, Instrumentation inst, boolean attached) {
        try {
            Map<String, String> env = Transport.env();
            Transport t = Transport.open(env, inst);
            if (t == null) {
                return;
            }
            start(env, t, inst, attached);
        } catch (Throwable e) {
            warn(e);
        }
    }

    /** Starts the agent on a transport (the seam the method-tracing test uses); never throws. */
    static void start(Map<String, String> env, Transport t, Instrumentation inst, boolean attached) {
        try {
            transport = t;
            long pid = ProcessHandle.current().pid();
            if (!"0".equals(env.get("TELLTALE_STACKS")) && !"0".equals(env.get("TELLTALE_JAVA_FRAMES"))) {
                t.registerFrames();
            }
            long interval = number(env.get("TELLTALE_JAVA_USAGE_MS"), 10_000);
            Observer observer = new Observer();
            MethodTracer tracer = tracer(env, t, inst, pid);
            Worker worker = new Worker(observer, t, inst, interval, HashCache.open(env), tracer);
            Thread th = new Thread(worker, "telltale-agent");
            th.setDaemon(true);
            th.setPriority(Thread.MIN_PRIORITY);
            th.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> worker.finish(2000), "telltale-agent-exit"));
            t.send(Events.agentNote(pid, "started", VERSION,
                    System.getProperty("java.version", ""), attached ? "attach" : "premain"));
        } catch (Throwable e) {
            warn(e);
        }
    }

    /**
     * The method tracer when TELLTALE_JAVA_METHODS enables it, registered as a transformer
     * (not for retransformation: a loaded class cannot gain a field); else null.
     */
    private static MethodTracer tracer(Map<String, String> env, Transport t, Instrumentation inst, long pid) {
        MethodTargets targets = MethodTargets.parse(env.get("TELLTALE_JAVA_METHODS"), env.get("TELLTALE_JAVA_TRACE_FILE"));
        if (targets == null) {
            return null;
        }
        if (!targets.invalid.isEmpty()) {
            t.send(Events.agentNote(pid, "warning", "TELLTALE_JAVA_METHODS: ignored " + String.join(", ", targets.invalid)));
        }
        MethodTracer tracer = new MethodTracer(targets, inst);
        inst.addTransformer(tracer, false);
        return tracer;
    }

    /** Reports the first failure inside the agent as an api event; later ones are swallowed. */
    static void warn(Throwable e) {
        Transport t = transport;
        if (t == null || !WARNED.compareAndSet(false, true)) {
            return;
        }
        try {
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            String s = w.toString();
            t.send(Events.agentNote(ProcessHandle.current().pid(), "warning", s.length() > 4000 ? s.substring(0, 4000) : s));
        } catch (Throwable ignored) {
            // nothing more to do
        }
    }

    private static long number(String s, long dflt) {
        try {
            return s == null ? dflt : Math.max(100, Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
