package dev.telltale.agent.core;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** One place classes come from, and the classes loaded from it not yet reported. */
final class Dep {
    /** Class names kept per dependency between two batches; more are counted, not named. */
    static final int PENDING_MAX = 20_000;

    final String url;
    final String firstClass;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final AtomicInteger size = new AtomicInteger();
    final AtomicInteger overflow = new AtomicInteger();
    /** Set by the worker once the dependency event went out (or could not be built). */
    volatile Location location;
    volatile String purl;

    Dep(String url, String firstClass) {
        this.url = url;
        this.firstClass = firstClass;
    }

    /** Records a loaded class; cheap, called on class-loading threads. */
    void used(String className) {
        if (size.get() >= PENDING_MAX) {
            overflow.incrementAndGet();
            return;
        }
        if (pending.add(className)) {
            size.incrementAndGet();
        }
    }

    /** Takes the class names recorded since the last call (worker thread). */
    List<String> drain() {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = pending.iterator(); it.hasNext(); ) {
            out.add(it.next());
            it.remove();
            size.decrementAndGet();
        }
        return out;
    }
}
