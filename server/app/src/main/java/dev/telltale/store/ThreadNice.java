package dev.telltale.store;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Lowers the CPU priority of the calling thread (raises its nice value) on Linux, where the
 * nice value belongs to each thread: {@code setpriority(PRIO_PROCESS, 0, n)} names the calling
 * thread (setpriority(2), "Linux/NPTL"). Raising one's own nice value needs no privilege.
 *
 * <p>The call goes through the Foreign Function API, looked up reflectively: the appliance is
 * built for Java 21, where that API is a preview, and runs on 22 and later where it is final.
 * Where it is missing (another OS, Java 21) nothing changes and one line is logged.
 */
final class ThreadNice {
    private static final Logger LOG = Logger.getLogger(ThreadNice.class.getName());
    private static final int PRIO_PROCESS = 0;
    private static final Optional<MethodHandle> SETPRIORITY = find();
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private ThreadNice() {
    }

    /**
     * Sets the calling thread's nice value to {@code nice} (0–19; 0 leaves it alone).
     *
     * @return whether the thread now runs at that nice value
     */
    static boolean lowerCurrentThread(int nice) {
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("nice must be between 0 and 19, was " + nice);
        }
        if (nice == 0) {
            return true;
        }
        if (SETPRIORITY.isEmpty()) {
            warnOnce("this JVM or OS cannot lower a thread's CPU priority; background work runs at normal priority");
            return false;
        }
        try {
            int r = (int) SETPRIORITY.get().invokeExact(PRIO_PROCESS, 0, nice);
            if (r != 0) {
                warnOnce("setpriority refused nice " + nice + "; background work runs at normal priority");
            }
            return r == 0;
        } catch (Throwable t) {
            warnOnce("setpriority failed (" + t + "); background work runs at normal priority");
            return false;
        }
    }

    private static void warnOnce(String message) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warning(message);
        }
    }

    /** {@code int setpriority(int, int, int)} from the C library, when this JVM can call it. */
    private static Optional<MethodHandle> find() {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return Optional.empty();
        }
        try {
            Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
            Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
            Object linker = linkerType.getMethod("nativeLinker").invoke(null);
            Object libc = linkerType.getMethod("defaultLookup").invoke(linker);
            Optional<?> symbol = (Optional<?>) lookupType.getMethod("find", String.class).invoke(libc, "setpriority");
            if (symbol.isEmpty()) {
                return Optional.empty();
            }
            Object jint = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);
            Object args = Array.newInstance(layoutType, 3);
            for (int i = 0; i < 3; i++) {
                Array.set(args, i, jint);
            }
            Object descriptor = descriptorType.getMethod("of", layoutType, args.getClass()).invoke(null, jint, args);
            Object noOptions = Array.newInstance(optionType, 0);
            return Optional.of((MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType,
                    noOptions.getClass()).invoke(linker, symbol.get(), descriptor, noOptions));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.fine("no setpriority: " + e);
            return Optional.empty();
        }
    }
}
