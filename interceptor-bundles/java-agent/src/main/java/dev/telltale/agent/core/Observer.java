package dev.telltale.agent.core;

import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Maps each loaded class to the place it came from: a new place is queued for the worker, and
 * the class name is added to that place's usage. Fed by the worker's polls of
 * Instrumentation.getAllLoadedClasses, so no agent code runs on the application's threads
 * (a ClassFileTransformer, even one that returns null, makes the JVM copy every class file
 * for it and call into Java on each class load). Nothing is read, hashed or sent here, and
 * nothing blocks (a full queue drops and counts).
 */
final class Observer {
    /** New dependencies waiting for the worker; beyond this they are dropped and counted. */
    static final int QUEUE = 4096;

    final BlockingQueue<Dep> fresh = new ArrayBlockingQueue<>(QUEUE);
    final AtomicInteger dropped = new AtomicInteger();
    /** By ProtectionDomain or Module identity: the fast path. */
    private final Map<Object, Dep> byKey = new ConcurrentHashMap<>();
    /** By location text: several domains may share one jar. */
    final Map<String, Dep> byUrl = new ConcurrentHashMap<>();
    /** When a poll last found new classes (System.nanoTime): the worker holds back while it is recent. */
    volatile long lastLoadNanos = System.nanoTime();

    /** Records a loaded class (worker thread). */
    void seen(Class<?> c) {
        if (c.isArray() || c.isPrimitive()) {
            return;
        }
        seen(c.getModule(), c.getProtectionDomain(), c.getName());
    }

    private void seen(Module module, ProtectionDomain pd, String className) {
        Object key = pd;
        CodeSource cs = pd == null ? null : pd.getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            if (module == null || !module.isNamed() || module.getClassLoader() != null
                    && module.getClassLoader() != ClassLoader.getPlatformClassLoader()) {
                return; // generated classes, proxies: no place on disk
            }
            key = module;
        }
        Dep d = byKey.get(key);
        if (d == null) {
            d = register(key, key instanceof Module ? "jrt:/" + module.getName() : cs.getLocation().toString(),
                    className);
        }
        d.used(className);
    }

    private Dep register(Object key, String url, String className) {
        Dep d = byUrl.get(url);
        if (d == null) {
            Dep created = new Dep(url, className);
            d = byUrl.putIfAbsent(url, created);
            if (d == null) {
                d = created;
                if (!fresh.offer(d)) {
                    dropped.incrementAndGet();
                }
            }
        }
        byKey.putIfAbsent(key, d);
        return d;
    }
}
