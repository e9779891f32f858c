package dev.telltale.agent.core;

/**
 * JNI entry points exported by the interceptor (libtelltale.so, hook_java.c) once the agent
 * has {@code System.load}ed it. Bound to this class's loader, the agent's private one.
 */
final class Native {
    private Native() {
    }

    /**
     * Sends {@code len} bytes of {@code event} (an Event envelope without dt_us) as one channel
     * record. Returns 1 when handed to the channel, 0 when the interceptor records nothing
     * (no forwarder) and -1 when the record was counted as lost. Never blocks.
     */
    static native int send(byte[] event, int len);

    /** Lowers the calling thread's CPU priority below every other thread's (nice 19); 0 or an errno. */
    static native int background();

    /** Adds {@code n} events the agent dropped to the interceptor's {@code lost} count. */
    static native void lost(int n);

    /**
     * Lets the interceptor ask {@code frames.current()} for the Java frames of file and network
     * events raised from Java code (ignored when stack traces are off).
     */
    static native void register(Class<?> frames);
}
