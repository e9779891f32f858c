package dev.telltale.agent.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Event envelopes (docs/protocol.md §9) as the interceptor's channel records carry them:
 * type, pid and body, without dt_us (the forwarder adds it).
 */
final class Events {
    static final int API = 5;
    static final int DEPENDENCY = 10;
    static final int JAVA_METHOD = 16;
    /** Class-usage events stay well below the interceptor's 64 KiB record buffer. */
    static final int USAGE_BYTES = 48 * 1024;
    private static final int PATH = 4096;

    private Events() {
    }

    static byte[] envelope(int type, long pid, Proto body) {
        return new Proto().varint(1, type).varint(3, pid).bytes(6, body.toByteArray()).toByteArray();
    }

    /** A {@code dependency} event with language {@code java} (the fields SBOM and SCA read). */
    static byte[] dependency(long pid, Location loc, JarInspector.Result r, String firstClass) {
        Proto b = new Proto().string(1, loc.path(), PATH);
        if (r.sha256 != null) {
            b.bytes(2, r.sha256);
        }
        if (loc.parent() != null) {
            b.string(3, loc.parent(), PATH);
        }
        b.string(4, "java", 32);
        Coordinates c = r.coordinates;
        if (c != null && c.version != null) {
            b.string(5, c.version, 256);
        }
        b.string(6, loc.load(), 32);
        if (r.size >= 0) {
            b.varint(7, r.size);
        }
        if (c != null && c.artifact != null) {
            b.string(8, c.artifact, 512);
        }
        if (c != null && c.purl() != null) {
            b.string(9, c.purl(), 1024);
        }
        if (firstClass != null) {
            b.string(10, firstClass, 1024);
        }
        return envelope(DEPENDENCY, pid, b);
    }

    /**
     * Class usage of one dependency as {@code java_method} events: {@code class} is
     * {@code *} (the event lists classes, not methods of one class), {@code methods} the class
     * names loaded since the last batch, {@code jar} and {@code purl} the dependency, and
     * {@code count} the number of names in this event. Split to stay under USAGE_BYTES each.
     */
    static List<byte[]> usage(long pid, String path, String purl, List<String> classes) {
        return methods(pid, "*", path, purl, classes);
    }

    /**
     * Executed methods of one traced class as {@code java_method} events: {@code class} is the
     * class's binary name ({@code com.fasterxml.jackson.core.JsonFactory}), {@code methods}
     * the methods first executed since the last batch ({@code createParser(String)}),
     * {@code jar} and {@code purl} its place, {@code count} the methods in this event. Split
     * to stay under USAGE_BYTES each.
     */
    static List<byte[]> methods(long pid, String cls, String path, String purl, List<String> names) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < names.size()) {
            Proto b = new Proto().string(1, cls, 1024).string(3, path, PATH);
            if (purl != null) {
                b.string(4, purl, 1024);
            }
            int n = 0;
            while (i < names.size() && (n == 0 || b.size() < USAGE_BYTES)) {
                b.string(2, names.get(i++), 1024);
                n++;
            }
            b.varint(5, n);
            out.add(envelope(JAVA_METHOD, pid, b));
        }
        return out;
    }

    /** An {@code api} event {@code telltale.java_agent} with args (what happened, details). */
    static byte[] agentNote(long pid, String... args) {
        Proto b = new Proto().string(1, "telltale.java_agent", 256);
        for (String a : args) {
            b.string(2, a == null ? "" : a, 4096);
        }
        return envelope(API, pid, b);
    }
}
