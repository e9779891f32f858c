package dev.telltale.agent.core;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * The way out to the forwarder: the interceptor that {@code telltale run} preloaded into this
 * JVM already holds the SOCK_SEQPACKET channel, so the agent loads that same library with
 * {@code System.load} (the dynamic linker hands back the loaded copy) and calls its JNI entry
 * points (docs/decisions/0017-java-agent-transport.md). Without an interceptor and a channel,
 * there is no transport and the agent stays silent.
 */
class Transport {
    /** Package-private: tests record events through a subclass. */
    Transport() {
    }

    /**
     * Loads the interceptor when the environment says {@code telltale run} started this JVM.
     * Returns the transport, or null when there is none (never throws).
     */
    static Transport open(Map<String, String> env, Instrumentation inst) {
        try {
            if (env.getOrDefault("TELLTALE_CHANNEL", "").isEmpty()) {
                return null;
            }
            String lib = library(env);
            if (lib == null) {
                return null;
            }
            allowNativeAccess(inst);
            System.load(lib);
            return new Transport();
        } catch (Throwable t) {
            return null;
        }
    }

    /** The preloaded interceptor's path: LD_PRELOAD's libtelltale.so entry. */
    static String library(Map<String, String> env) {
        String preload = env.getOrDefault("LD_PRELOAD", "");
        for (String p : preload.split("[: ]")) {
            if (p.endsWith("/libtelltale.so") && new File(p).isFile()) {
                return p;
            }
        }
        return null;
    }

    /**
     * JDK 24+ prints a warning on the application's stderr when code without native access
     * calls System.load. We grant it to the agent's own named module only (never to the
     * unnamed modules: that switch is shared with the application's class path): the JVM lets
     * an agent open java.lang to itself through Instrumentation. Older JDKs have no such
     * check; any failure just leaves the warning.
     */
    private static void allowNativeAccess(Instrumentation inst) {
        try {
            Module self = Transport.class.getModule();
            if (!self.isNamed()) {
                return;
            }
            Method check = Module.class.getMethod("isNativeAccessEnabled");
            if ((Boolean) check.invoke(self)) {
                return;
            }
            Module base = Object.class.getModule();
            inst.redefineModule(base, Set.of(), Map.of(), Map.of("java.lang", Set.of(self)), Set.of(), Map.of());
            Method grant = Module.class.getDeclaredMethod("implAddEnableNativeAccess");
            grant.setAccessible(true);
            grant.invoke(self);
        } catch (Throwable t) {
            // JDK 21 or older (no such method), or a JVM that refuses: nothing to do.
        }
    }

    /** Sends one event envelope; false when it could not be handed to the channel. */
    boolean send(byte[] event) {
        try {
            return Native.send(event, event.length) > 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Asks the interceptor to add Java frames to its events; an older library simply lacks it. */
    void registerFrames() {
        try {
            Frames.current(); // load and link Frames and its encoder before the first upcall needs them
            Native.register(Frames.class);
        } catch (Throwable t) {
            // UnsatisfiedLinkError: an interceptor without hook_java.c's register
        }
    }

    /**
     * Puts the calling thread (the worker) behind every other thread of the machine: Java's
     * priorities mean nothing on Linux, and at start-up it would compete with the application
     * and the JIT for the CPU. An older interceptor simply lacks it.
     */
    void background() {
        try {
            Native.background();
        } catch (Throwable t) {
            // UnsatisfiedLinkError: an interceptor without hook_java.c's background
        }
    }

    /** Declares events the agent dropped, so the appliance records a gap for them. */
    void lost(int n) {
        if (n > 0) {
            try {
                Native.lost(n);
            } catch (Throwable t) {
                // nothing more to do
            }
        }
    }

    static Map<String, String> env() {
        try {
            return System.getenv();
        } catch (Throwable t) {
            return Collections.emptyMap();
        }
    }
}
