package dev.telltale.agent.core;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;

/**
 * Whether a class has been initialized, asked without initializing it. Reading a static field
 * by reflection initializes its class, and the worker must never run an application class's
 * static initializer (a JDBC driver registering itself, a logging framework configuring
 * itself, on the agent's thread and earlier than the application would): so a traced class's
 * probes are read only once the application has initialized it. The JDK answers this only in
 * {@code jdk.internal.misc.Unsafe.shouldBeInitialized}, which {@link #open} exports to the
 * agent's own module alone (the application gains no access).
 */
final class ClassInit {
    private final Object unsafe;
    private final Method shouldBeInitialized;

    private ClassInit(Object unsafe, Method shouldBeInitialized) {
        this.unsafe = unsafe;
        this.shouldBeInitialized = shouldBeInitialized;
    }

    /**
     * The check, with {@code jdk.internal.misc} exported to this class's module through
     * {@code inst} (when given; without it the package must already be exported, as in tests
     * run with {@code --add-exports}); null when the JDK does not allow it.
     */
    static ClassInit open(Instrumentation inst) {
        try {
            Module base = Object.class.getModule();
            Module self = ClassInit.class.getModule();
            if (inst != null && !base.isExported("jdk.internal.misc", self)) {
                inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", Set.of(self)), Map.of(), Set.of(),
                        Map.of());
            }
            Class<?> u = Class.forName("jdk.internal.misc.Unsafe");
            Method get = u.getMethod("getUnsafe");
            Method should = u.getMethod("shouldBeInitialized", Class.class);
            ClassInit check = new ClassInit(get.invoke(null), should);
            check.initialized(ClassInit.class); // fails here, not at the first read, when refused
            return check;
        } catch (Throwable e) {
            return null;
        }
    }

    /** True once {@code c}'s static initializer has run (or is running on some thread). */
    boolean initialized(Class<?> c) throws ReflectiveOperationException {
        return !(Boolean) shouldBeInitialized.invoke(unsafe, c);
    }
}
