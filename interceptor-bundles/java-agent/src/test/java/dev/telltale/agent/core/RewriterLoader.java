package dev.telltale.agent.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Defines class files after passing them through {@link ClassRewriter}; classes from a custom
 * loader are verified, so a wrong probe, offset or frame fails with a VerifyError.
 */
final class RewriterLoader extends ClassLoader {
    final Map<String, byte[]> original = new HashMap<>();
    final Map<String, List<String>> traced = new HashMap<>();

    private final boolean rewrite;

    RewriterLoader(Map<String, byte[]> classes) {
        this(classes, true);
    }

    RewriterLoader(Map<String, byte[]> classes, boolean rewrite) {
        super(RewriterLoader.class.getClassLoader());
        original.putAll(classes);
        this.rewrite = rewrite;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null && original.containsKey(name)) {
                c = findClass(name);
            }
            if (c == null) {
                return super.loadClass(name, resolve);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = original.get(name);
        if (b == null) {
            throw new ClassNotFoundException(name);
        }
        ClassRewriter.Result r = rewrite ? ClassRewriter.rewrite(b) : null;
        if (r != null) {
            traced.put(name, r.methods);
            b = r.bytes;
        }
        return defineClass(name, b, 0, b.length);
    }

    /** The probe array of a traced class (null before its first traced method ran). */
    static boolean[] probes(Class<?> c) throws ReflectiveOperationException {
        java.lang.reflect.Field f = c.getDeclaredField(ClassRewriter.FIELD);
        f.setAccessible(true);
        return (boolean[]) f.get(null);
    }
}
