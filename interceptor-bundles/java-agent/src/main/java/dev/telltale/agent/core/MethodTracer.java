package dev.telltale.agent.core;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Method tracing (docs/java-agent.md, "Method tracing"): a transformer that adds probes
 * ({@link ClassRewriter}) to the classes of places whose purl the {@link MethodTargets}
 * match, and the worker's side that reads the probes back and turns new hits into
 * {@code java_method} events. Registered only when tracing is enabled.
 *
 * <p>Application threads run {@link #transform} for every class they load: it returns at
 * once unless the class comes from a traced place. A place's purl is worked out once per
 * location (coordinates only, no hashing) and cached, unknown ones included. Hits are never
 * pushed by the application (no agent class may be visible to it): the worker reads each
 * instrumented class's static {@code boolean[]} by reflection every usage interval.
 */
final class MethodTracer implements ClassFileTransformer {
    final MethodTargets targets;
    private final Instrumentation inst;
    /** By CodeSource location text: the place's path and purl (purl null when unknown). */
    private final Map<String, Place> places = new ConcurrentHashMap<>();
    /** Rewritten classes not yet seen by the worker's poll, by class name; guarded by itself. */
    private final Map<String, List<Traced>> pending = new HashMap<>();
    private volatile int pendingSize;
    /** Instrumented classes the worker reads (worker thread only). */
    private final List<Traced> live = new ArrayList<>();
    /** Worker thread only. */
    private ClassInit classInit;
    private boolean initChecked;
    private static final ThreadLocal<Boolean> BUSY = new ThreadLocal<>();

    static final class Place {
        final String path;
        final String purl;

        Place(String path, String purl) {
            this.path = path;
            this.purl = purl;
        }
    }

    /** One rewritten class: its methods by probe index and what was already reported. */
    static final class Traced {
        final WeakReference<ClassLoader> loader;
        final String name;
        final List<String> methods;
        final Place place;
        final boolean[] reported;
        WeakReference<Class<?>> cls;
        Field field;
        boolean unreadable;

        Traced(ClassLoader loader, String name, List<String> methods, Place place) {
            this.loader = new WeakReference<>(loader);
            this.name = name;
            this.methods = methods;
            this.place = place;
            this.reported = new boolean[methods.size()];
        }
    }

    MethodTracer(MethodTargets targets, Instrumentation inst) {
        this.targets = targets;
        this.inst = inst;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain pd, byte[] bytes) {
        if (classBeingRedefined != null || loader == null || pd == null || bytes == null || className == null
                || targets.isEmpty()) {
            return null;
        }
        try {
            CodeSource cs = pd.getCodeSource();
            if (cs == null || cs.getLocation() == null) {
                return null;
            }
            Place place = place(cs.getLocation().toString());
            if (place == null || !targets.matches(place.purl)) {
                return null;
            }
            ClassRewriter.Result r = ClassRewriter.rewrite(bytes);
            if (r == null) {
                return null;
            }
            String name = className.replace('/', '.');
            Traced t = new Traced(loader, name, r.methods, place);
            synchronized (pending) { // no lambdas here: their bootstrap would run on the loading thread
                List<Traced> l = pending.get(name);
                if (l == null) {
                    l = new ArrayList<>(1);
                    pending.put(name, l);
                }
                l.add(t);
                pendingSize++;
            }
            return r.bytes;
        } catch (Throwable e) {
            Agent.warn(e);
            return null;
        }
    }

    /**
     * The place of a location, computed once (on the first class-loading thread that needs
     * it; reentrant loads meanwhile are not traced). Null while being computed.
     */
    Place place(String url) {
        Place p = places.get(url);
        if (p != null) {
            return p;
        }
        if (BUSY.get() != null) {
            return null;
        }
        BUSY.set(Boolean.TRUE);
        try {
            Location loc = Location.parse(url);
            Coordinates c = loc == null || loc.kind == Location.Kind.MODULE ? null : JarInspector.coordinates(loc);
            p = new Place(loc == null ? url : loc.path(), c == null ? null : c.purl());
        } finally {
            BUSY.remove();
        }
        Place raced = places.putIfAbsent(url, p);
        return raced == null ? p : raced;
    }

    /** A class the worker's poll found: if we rewrote it, it is read from now on (worker thread). */
    void loaded(Class<?> c) {
        if (pendingSize == 0) {
            return;
        }
        ClassLoader l = c.getClassLoader();
        Traced found = null;
        synchronized (pending) {
            List<Traced> list = pending.get(c.getName());
            if (list == null) {
                return;
            }
            for (Iterator<Traced> it = list.iterator(); it.hasNext(); ) {
                Traced t = it.next();
                ClassLoader tl = t.loader.get();
                if (tl == l || tl == null) { // ours, or one whose loader is gone
                    found = tl == l ? t : found;
                    it.remove();
                    pendingSize--;
                }
            }
            if (list.isEmpty()) {
                pending.remove(c.getName());
            }
        }
        if (found != null) {
            found.cls = new WeakReference<>(c);
            live.add(found);
        }
    }

    /**
     * The methods executed since the last call, as {@code java_method} events, one class per
     * event (split at 48 KiB). Each method is reported once per JVM (worker thread).
     */
    List<byte[]> collect(long pid) {
        List<byte[]> out = new ArrayList<>();
        for (Iterator<Traced> it = live.iterator(); it.hasNext(); ) {
            Traced t = it.next();
            Class<?> c = t.cls.get();
            if (c == null || t.unreadable) {
                it.remove();
                continue;
            }
            boolean[] probes = read(t, c);
            if (probes == null) {
                continue;
            }
            List<String> hit = new ArrayList<>();
            for (int i = 0; i < probes.length && i < t.reported.length; i++) {
                if (probes[i] && !t.reported[i]) {
                    t.reported[i] = true;
                    hit.add(t.methods.get(i));
                }
            }
            if (!hit.isEmpty()) {
                out.addAll(Events.methods(pid, t.name, t.place.path, t.place.purl, hit));
            }
        }
        return out;
    }

    /**
     * The class's probe array; null before its first traced method ran, before the application
     * initialized the class (reading it would run the class's static initializer on our thread), or
     * when it cannot be read.
     */
    private boolean[] read(Traced t, Class<?> c) {
        try {
            ClassInit check = classInit();
            if (check == null || !check.initialized(c)) {
                return null; // a traced method has not run then: its probe initializes the class first
            }
            if (t.field == null) {
                open(c);
                Field f = c.getDeclaredField(ClassRewriter.FIELD);
                f.setAccessible(true);
                t.field = f;
            }
            return (boolean[]) t.field.get(null);
        } catch (Throwable e) {
            t.unreadable = true; // a module that refuses to open, a security manager: skipped silently
            return null;
        }
    }

    /** Looked up once, on the worker's thread; null when the JDK refuses (nothing is read then). */
    private ClassInit classInit() {
        if (!initChecked) {
            initChecked = true;
            classInit = ClassInit.open(inst);
            if (classInit == null) {
                Agent.warn(new IllegalStateException("method tracing: this JVM does not tell whether a class is"
                        + " initialized (jdk.internal.misc.Unsafe); executed methods are not reported"));
            }
        }
        return classInit;
    }

    /** Opens the class's package to the agent when the class is in a named module. */
    private void open(Class<?> c) {
        Module m = c.getModule();
        Module self = MethodTracer.class.getModule();
        String pkg = c.getPackageName();
        if (m.isNamed() && !m.isOpen(pkg, self)) {
            inst.redefineModule(m, Set.of(), Map.of(), Map.of(pkg, Set.of(self)), Set.of(), Map.of());
        }
    }

    /** Rewritten classes still waiting for a poll to find them (tests). */
    int pendingCount() {
        return pendingSize;
    }

    /** Classes whose probes the worker reads (tests). */
    int liveCount() {
        return live.size();
    }
}
