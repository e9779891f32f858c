package dev.telltale.agent.core;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The agent's daemon thread: inspects (hashes, reads coordinates of) each new dependency,
 * sends its dependency event, and every interval one class-usage batch per dependency.
 * Everything slow happens here, never on an application thread.
 *
 * <p>With method tracing on, each poll also re-reads the trace file when it changed and hands
 * new classes to the {@link MethodTracer} (which keeps those it rewrote), and each usage
 * batch (and the last one at exit) reads their probe arrays and sends the methods executed
 * for the first time.
 */
final class Worker implements Runnable {
    private final Observer observer;
    private final Transport transport;
    private final Instrumentation inst;
    private final long intervalMs;
    private static final long QUIET_MS = 500;
    private static final long POLL_MIN_MS = 250;
    /** Classes already recorded; weak, so the agent never keeps a class loader alive. */
    private final Map<Class<?>, Boolean> seen = new WeakHashMap<>();
    private final long pid = ProcessHandle.current().pid();
    private final Set<String> parentsSent = new HashSet<>();
    private final List<Dep> known = new ArrayList<>();
    private volatile boolean stopping;

    private final HashCache cache;
    /** Null when method tracing is off. */
    private final MethodTracer tracer;

    Worker(Observer observer, Transport transport, Instrumentation inst, long intervalMs, HashCache cache,
            MethodTracer tracer) {
        this.cache = cache;
        this.tracer = tracer;
        this.observer = observer;
        this.transport = transport;
        this.inst = inst;
        this.intervalMs = intervalMs;
    }

    @Override
    public void run() {
        try {
            transport.background();
            long pollMs = POLL_MIN_MS;
            long nextFlush = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
            while (!stopping) {
                if (tracer != null) {
                    tracer.targets.refresh();
                }
                int found = poll();
                for (Dep d; !stopping && (d = observer.fresh.poll()) != null; ) {
                    long t0 = System.nanoTime();
                    report(d);
                    yieldToStartup(System.nanoTime() - t0);
                }
                if (System.nanoTime() - nextFlush >= 0) {
                    flushUsage();
                    nextFlush = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
                }
                // poll often while classes keep coming (start-up), then back off to the usage interval
                pollMs = found > 0 ? POLL_MIN_MS : Math.min(pollMs * 2, intervalMs);
                Thread.sleep(pollMs);
            }
        } catch (InterruptedException e) {
            // shutting down
        } catch (Throwable t) {
            Agent.warn(t);
        }
    }

    /**
     * Records the classes loaded since the last poll; returns how many. HotSpot lists the
     * newest classes first, so walking backwards meets a place's first class first.
     */
    private synchronized int poll() {
        Class<?>[] all = inst.getAllLoadedClasses();
        int found = 0;
        for (int i = all.length - 1; i >= 0; i--) {
            Class<?> c = all[i];
            if (seen.put(c, Boolean.TRUE) == null) {
                found++;
                try {
                    observer.seen(c);
                    if (tracer != null) {
                        tracer.loaded(c);
                    }
                } catch (RuntimeException | LinkageError e) {
                    // a class whose domain we may not see (security manager): skipped
                }
            }
        }
        if (found > 0) {
            observer.lastLoadNanos = System.nanoTime();
        }
        return found;
    }

    /**
     * While the application is still loading classes (its start-up), the worker takes at most
     * about a quarter of one core: after each inspection it pauses three times as long. Once
     * polls have found nothing new for QUIET_MS it runs freely.
     */
    private void yieldToStartup(long spentNanos) throws InterruptedException {
        if (System.nanoTime() - observer.lastLoadNanos < TimeUnit.MILLISECONDS.toNanos(QUIET_MS)) {
            long pause = Math.min(TimeUnit.NANOSECONDS.toMillis(spentNanos * 3), 1000);
            if (pause > 0) {
                Thread.sleep(pause);
            }
        }
    }

    /** At JVM exit: report what is still queued (bounded by deadlineMs), then the last usage. */
    void finish(long deadlineMs) {
        stopping = true;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        synchronized (this) {
            try {
                poll();
            } catch (RuntimeException e) {
                // the JVM is going down: report what we have
            }
            for (Dep d; System.nanoTime() < end && (d = observer.fresh.poll()) != null; ) {
                report(d);
            }
            flushUsage();
        }
    }

    private synchronized void report(Dep d) {
        Location loc = Location.parse(d.url);
        if (loc == null) {
            return;
        }
        if (loc.parent() != null && parentsSent.add(loc.parent())) {
            Location outer = new Location(Location.Kind.JAR, loc.parent(), null);
            send(Events.dependency(pid, outer, inspect(outer), null));
        }
        JarInspector.Result r = loc.kind == Location.Kind.MODULE ? module(loc) : inspect(loc);
        if (loc.kind == Location.Kind.JAR) {
            parentsSent.add(loc.file);
        }
        d.purl = r.coordinates == null ? null : r.coordinates.purl();
        d.location = loc;
        known.add(d);
        send(Events.dependency(pid, loc, r, d.firstClass));
    }

    /** What the cache knows of an unchanged jar, else a fresh inspection (then cached). */
    private JarInspector.Result inspect(Location loc) {
        String key = HashCache.key(loc);
        JarInspector.Result r = cache.get(key);
        if (r == null) {
            r = JarInspector.inspect(loc);
            cache.put(key, r);
        }
        return r;
    }

    /** JDK modules: no file to hash; the module's version, else the runtime's. */
    private static JarInspector.Result module(Location loc) {
        JarInspector.Result r = new JarInspector.Result();
        Optional<Module> m = ModuleLayer.boot().findModule(loc.file);
        String v = m.flatMap(x -> x.getDescriptor().rawVersion()).orElse(Runtime.version().toString());
        r.coordinates = new Coordinates(null, loc.file, v, "module");
        return r;
    }

    private synchronized void flushUsage() {
        int lost = observer.dropped.getAndSet(0);
        transport.lost(lost);
        for (Dep d : known) {
            List<String> names = d.drain();
            if (!names.isEmpty()) {
                for (byte[] e : Events.usage(pid, d.location.path(), d.purl, names)) {
                    send(e);
                }
            }
        }
        if (tracer != null) {
            for (byte[] e : tracer.collect(pid)) {
                send(e);
            }
        }
    }

    private void send(byte[] event) {
        transport.send(event);
    }
}
