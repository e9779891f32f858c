package dev.telltale.agent.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The current thread's Java frames for the interceptor's file and network events
 * (hook_java.c calls {@link #current()} through JNI, only on Java threads inside the JDK's own
 * native code; docs/java-agent.md). Agent frames are left out.
 */
final class Frames {
    /** Frames per event; the envelope allows 256 in all, the native ones come first. */
    static final int MAX = 64;
    private static final StackWalker WALKER = StackWalker.getInstance();

    private Frames() {
    }

    /**
     * Envelope field 5 entries (StackFrame: 3 symbol {@code class.method}, 4 file, 5 line),
     * innermost first; null when the walk fails. Never throws.
     */
    static byte[] current() {
        try {
            List<StackWalker.StackFrame> frames = WALKER.walk(s -> s
                    .filter(f -> !f.getClassName().startsWith("dev.telltale.agent."))
                    .limit(MAX).collect(Collectors.toList()));
            Proto out = new Proto();
            for (StackWalker.StackFrame f : frames) {
                Proto m = new Proto().string(3, f.getClassName() + "." + f.getMethodName(), 1024);
                if (f.getFileName() != null) {
                    m.string(4, f.getFileName(), 4096);
                }
                if (f.getLineNumber() > 0) {
                    m.varint(5, f.getLineNumber());
                }
                out.bytes(5, m.toByteArray());
            }
            return out.toByteArray();
        } catch (Throwable t) {
            return null;
        }
    }
}
