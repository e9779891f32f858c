package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transformer on real jars, classes defined through it as the JVM would, hits read back as events. */
class MethodTracerTest {
    static final String LANG3 = "pkg:maven/org.apache.commons/commons-lang3@3.18.0";
    static final String GSON = "pkg:maven/com.google.code.gson/gson@2.13.2";

    @TempDir
    Path dir;

    /** Defines a jar's classes through the tracer, with the jar's ProtectionDomain, like the class path loader. */
    static final class JarLoader extends ClassLoader {
        final File jar;
        final MethodTracer tracer;
        final ProtectionDomain pd;
        final List<Class<?>> rewritten = new ArrayList<>();

        JarLoader(File jar, MethodTracer tracer) throws Exception {
            super(JarLoader.class.getClassLoader().getParent());
            this.jar = jar;
            this.tracer = tracer;
            this.pd = new ProtectionDomain(new CodeSource(jar.toURI().toURL(), (Certificate[]) null), null);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            try (ZipFile z = new ZipFile(jar)) {
                var e = z.getEntry(name.replace('.', '/') + ".class");
                if (e == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] b;
                try (InputStream in = z.getInputStream(e)) {
                    b = in.readAllBytes();
                }
                byte[] t = tracer.transform(this, name.replace('.', '/'), null, pd, b);
                Class<?> c = t == null ? defineClass(name, b, 0, b.length, pd) : defineClass(name, t, 0, t.length, pd);
                if (t != null) {
                    rewritten.add(c);
                }
                tracer.loaded(c); // as the worker's poll would
                return c;
            } catch (java.io.IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }

    static File jarOf(Class<?> c) throws Exception {
        return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void tracedJarReportsExecutedMethodsOnce() throws Exception {
        MethodTracer tracer = new MethodTracer(MethodTargets.parse(LANG3, null), null);
        File lang3 = jarOf(org.apache.commons.lang3.StringUtils.class);
        JarLoader l = new JarLoader(lang3, tracer);
        Class<?> su = l.loadClass("org.apache.commons.lang3.StringUtils");
        assertTrue(l.rewritten.contains(su));
        assertTrue(tracer.collect(1).isEmpty(), "nothing ran yet");
        assertEquals("Abc", su.getMethod("capitalize", String.class).invoke(null, "abc"));
        assertEquals("a,b", su.getMethod("join", Object[].class, String.class).invoke(null, new Object[] {"a", "b"}, ","));

        Map<String, List<String>> byClass = byClass(tracer.collect(42), lang3.getPath(), LANG3);
        assertTrue(byClass.get("org.apache.commons.lang3.StringUtils").containsAll(
                List.of("capitalize(String)", "join(Object[], String)")), byClass.toString());
        assertFalse(byClass.get("org.apache.commons.lang3.StringUtils").contains("isBlank(CharSequence)"));

        su.getMethod("capitalize", String.class).invoke(null, "x");
        assertTrue(tracer.collect(42).isEmpty(), "each method once");
        su.getMethod("isBlank", CharSequence.class).invoke(null, " ");
        Map<String, List<String>> again = byClass(tracer.collect(42), lang3.getPath(), LANG3);
        assertTrue(again.get("org.apache.commons.lang3.StringUtils").contains("isBlank(CharSequence)"), again.toString());
        assertFalse(again.get("org.apache.commons.lang3.StringUtils").contains("capitalize(String)"));
        assertEquals(0, tracer.pendingCount());
    }

    /** Reading probes must never run a static initializer the application did not trigger. */
    @Test
    void classesTheApplicationOnlyLoadedAreNotInitializedByReadingTheirProbes() throws Exception {
        MethodTracer tracer = new MethodTracer(MethodTargets.parse(LANG3, null), null);
        JarLoader l = new JarLoader(jarOf(org.apache.commons.lang3.StringUtils.class), tracer);
        Class<?> su = Class.forName("org.apache.commons.lang3.StringUtils", false, l);
        ClassInit init = ClassInit.open(null);
        assertNotNull(init, "the test JVM exports jdk.internal.misc (surefire argLine)");
        assertTrue(l.rewritten.contains(su));
        assertFalse(init.initialized(su));
        assertTrue(tracer.collect(1).isEmpty());
        assertFalse(init.initialized(su), "collect() left the class uninitialized, as a framework's scan leaves it");
        su.getMethod("isEmpty", CharSequence.class).invoke(null, "");
        assertTrue(init.initialized(su));
        assertTrue(byClass(tracer.collect(1), l.jar.getPath(), LANG3).get("org.apache.commons.lang3.StringUtils")
                .contains("isEmpty(CharSequence)"));
    }

    @Test
    void untracedJarsAreLeftAlone() throws Exception {
        MethodTracer tracer = new MethodTracer(MethodTargets.parse(LANG3, null), null);
        JarLoader l = new JarLoader(jarOf(com.google.gson.Gson.class), tracer);
        Class<?> gson = l.loadClass("com.google.gson.Gson");
        assertNotNull(gson.getConstructor().newInstance());
        assertTrue(l.rewritten.isEmpty());
        assertTrue(tracer.collect(1).isEmpty());
        assertNull(tracer.transform(null, "x/Y", null, l.pd, new byte[0]), "boot classes");
        assertNull(tracer.transform(l, "x/Y", null, new ProtectionDomain(null, null), new byte[0]), "no code source");
    }

    @Test
    void traceFileTargetsApplyToClassesLoadedAfterTheyAppear() throws Exception {
        Path f = dir.resolve("trace");
        MethodTracer tracer = new MethodTracer(MethodTargets.parse("vulnerable", f.toString()), null);
        File gsonJar = jarOf(com.google.gson.Gson.class);
        JarLoader before = new JarLoader(gsonJar, tracer);
        before.loadClass("com.google.gson.JsonObject");
        assertTrue(before.rewritten.isEmpty(), "no trace file yet");

        MethodTargetsTest.write(f, "# app 1.0\n" + GSON + "\n");
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        assertTrue(tracer.targets.refresh());
        Class<?> obj = before.loadClass("com.google.gson.JsonPrimitive");
        assertTrue(before.rewritten.contains(obj));
        Object p = obj.getConstructor(String.class).newInstance("v");
        assertEquals("v", obj.getMethod("getAsString").invoke(p));
        Map<String, List<String>> byClass = byClass(tracer.collect(7), gsonJar.getPath(), GSON);
        assertTrue(byClass.get("com.google.gson.JsonPrimitive").containsAll(List.of("<init>(String)", "getAsString()")),
                byClass.toString());
        assertFalse(byClass.containsKey("com.google.gson.JsonObject"), "loaded before the target appeared");
    }

    @Test
    void eventsAreSplitAndCounted() {
        List<String> methods = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            methods.add("someRatherLongMethodName" + i + "(String, int, Map, List)");
        }
        List<byte[]> events = Events.methods(3, "a.B", "/x.jar", "pkg:maven/g/a@1", methods);
        assertTrue(events.size() > 1);
        int total = 0;
        for (byte[] e : events) {
            assertTrue(e.length < Events.USAGE_BYTES + 2048);
            Wire w = Wire.parse(e);
            assertEquals(Events.JAVA_METHOD, w.type);
            assertEquals("a.B", w.string(1));
            assertEquals(w.strings(2).size(), w.number(5));
            total += w.strings(2).size();
        }
        assertEquals(4000, total);
    }

    /** Decodes java_method events, checking jar and purl; methods by class. */
    static Map<String, List<String>> byClass(List<byte[]> events, String jar, String purl) {
        Map<String, List<String>> out = new HashMap<>();
        for (byte[] e : events) {
            Wire w = Wire.parse(e);
            assertEquals(Events.JAVA_METHOD, w.type);
            assertEquals(jar, w.string(3));
            assertEquals(purl, w.string(4));
            assertEquals(w.strings(2).size(), w.number(5));
            out.computeIfAbsent(w.string(1), k -> new ArrayList<>()).addAll(w.strings(2));
        }
        return out;
    }
}
