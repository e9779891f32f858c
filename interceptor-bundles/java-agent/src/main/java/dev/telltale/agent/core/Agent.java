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
            transport = t;
            if (!"0".equals(env.get("TELLTALE_STACKS")) && !"0".equals(env.get("TELLTALE_JAVA_FRAMES"))) {
                t.registerFrames();
            }
            long interval = number(env.get("TELLTALE_JAVA_USAGE_MS"), 10_000);
            Observer observer = new Observer();
            Worker worker = new Worker(observer, t, inst, interval, HashCache.open(env));
            Thread th = new Thread(worker, "telltale-agent");
            th.setDaemon(true);
            th.setPriority(Thread.MIN_PRIORITY);
            th.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> worker.finish(2000), "telltale-agent-exit"));
            t.send(Events.agentNote(ProcessHandle.current().pid(), "started", VERSION,
                    System.getProperty("java.version", ""), attached ? "attach" : "premain"));
        } catch (Throwable e) {
            warn(e);
        }
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
