package dev.telltale.agent.core;

import java.lang.instrument.ClassFileTransformer;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches class loads without changing a byte (it always returns null): each class is mapped
 * to the place it came from, a new place is queued for the worker, and the class name is
 * added to that place's usage. On the class-loading thread only map look-ups happen; nothing
 * is read, hashed or sent here, and nothing blocks (a full queue drops and counts).
 */
final class Observer implements ClassFileTransformer {
    /** New dependencies waiting for the worker; beyond this they are dropped and counted. */
    static final int QUEUE = 4096;

    final BlockingQueue<Dep> fresh = new ArrayBlockingQueue<>(QUEUE);
    final AtomicInteger dropped = new AtomicInteger();
    /** By ProtectionDomain or Module identity: the fast path. */
    private final Map<Object, Dep> byKey = new ConcurrentHashMap<>();
    /** By location text: several domains may share one jar. */
    final Map<String, Dep> byUrl = new ConcurrentHashMap<>();
    /** When a class was last loaded (System.nanoTime): the worker holds back while it is recent. */
    volatile long lastLoadNanos = System.nanoTime();

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain pd, byte[] bytes) {
        if (redefined == null && className != null) {
            lastLoadNanos = System.nanoTime();
            try {
                seen(module, pd, className);
            } catch (Throwable t) {
                Agent.warn(t);
            }
        }
        return null;
    }

    /** Records a class already loaded before the agent started. */
    void seen(Class<?> c) {
        if (c.isArray() || c.isPrimitive()) {
            return;
        }
        seen(c.getModule(), c.getProtectionDomain(), c.getName().replace('.', '/'));
    }

    private void seen(Module module, ProtectionDomain pd, String internalName) {
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
                    internalName);
        }
        d.used(internalName.replace('/', '.'));
    }

    private Dep register(Object key, String url, String internalName) {
        Dep d = byUrl.get(url);
        if (d == null) {
            Dep created = new Dep(url, internalName.replace('/', '.'));
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
