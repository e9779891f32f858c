package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telltale.agent.it.TracedApp;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Method tracing in real JVMs (every runtime of the machine): an application on two jars runs
 * under the agent core with a recording transport (a test Premain-Class: the real transport
 * needs the interceptor and a forwarder); its output is unchanged and the java_method events
 * name the executed methods of the traced jar only.
 */
class MethodTracingIT {
    static final String LANG3 = "pkg:maven/org.apache.commons/commons-lang3@3.18.0";
    static final String GSON = "pkg:maven/com.google.code.gson/gson@2.13.2";

    @TempDir
    Path tmp;

    @Test
    void tracedByPurlPattern() throws Exception {
        for (String java : dev.telltale.agent.it.AgentJarIT.runtimes()) {
            Map<String, List<String>> m = run(java, Map.of("TELLTALE_JAVA_METHODS", "pkg:maven/org.apache.commons/*"), LANG3);
            assertTrue(m.get("org.apache.commons.lang3.StringUtils").containsAll(
                    List.of("capitalize(String)", "reverse(String)", "isBlank(CharSequence)")), java + ": " + m);
            assertFalse(m.get("org.apache.commons.lang3.StringUtils").contains("abbreviate(String, int)"), java + ": " + m);
        }
    }

    @Test
    void tracedByTraceFile() throws Exception {
        Path trace = tmp.resolve("trace.txt");
        Files.writeString(trace, "# vulnerable\n" + GSON + "\n");
        for (String java : dev.telltale.agent.it.AgentJarIT.runtimes()) {
            Map<String, List<String>> m = run(java, Map.of("TELLTALE_JAVA_METHODS", "vulnerable",
                    "TELLTALE_JAVA_TRACE_FILE", trace.toString()), GSON);
            assertTrue(m.get("com.google.gson.Gson").containsAll(List.of("<init>()", "toJson(Object)")), java + ": " + m);
        }
    }

    /** Runs TracedApp with and without the agent; returns the traced methods by class (all from purl's jar). */
    private Map<String, List<String>> run(String java, Map<String, String> env, String purl) throws Exception {
        Path events = Files.createTempFile(tmp, "events", ".bin");
        String plain = exec(java, null, env);
        String traced = exec(java, events, env);
        assertEquals(plain, traced, java);
        assertTrue(traced.startsWith("Hello cba"), traced);
        Map<String, List<String>> out = new HashMap<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(events))) {
            while (in.available() > 0) {
                byte[] e = new byte[in.readInt()];
                in.readFully(e);
                Wire w = Wire.parse(e);
                if (w.type == Events.JAVA_METHOD && !"*".equals(w.string(1))) {
                    assertEquals(purl, w.string(4), w.string(1));
                    assertTrue(w.string(3).endsWith(".jar"), w.string(3));
                    out.computeIfAbsent(w.string(1), k -> new ArrayList<>()).addAll(w.strings(2));
                }
                if (w.type == Events.API) {
                    assertFalse(w.strings(2).contains("warning"), w.strings(2).toString());
                }
            }
        }
        assertFalse(out.isEmpty(), java + ": no methods");
        return out;
    }

    private String exec(String java, Path events, Map<String, String> extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java));
        if (events != null) {
            cmd.add("-javaagent:" + agentJar() + "=" + events);
        }
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, appDir().toString(),
                jar(org.apache.commons.lang3.StringUtils.class), jar(com.google.gson.Gson.class)), TracedApp.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("TELLTALE_") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().putAll(extra);
        pb.environment().put("TELLTALE_JAVA_USAGE_MS", "100");
        pb.environment().put("TELLTALE_CACHE_DIR", tmp.resolve("cache").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        return out + (err.isEmpty() ? "" : "stderr: " + err);
    }

    private static String jar(Class<?> c) throws Exception {
        return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    }

    /** TracedApp alone (the test classes directory holds the agent's tests too). */
    private Path appDir() throws Exception {
        Path dir = tmp.resolve("app");
        String rel = TracedApp.class.getName().replace('.', '/') + ".class";
        Path target = dir.resolve(rel);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(jar(TracedApp.class), rel), target);
        }
        return dir;
    }

    /** The agent core's classes and RecordingAgent as an agent jar. */
    private Path agentJar() throws Exception {
        Path jar = tmp.resolve("recording-agent.jar");
        if (Files.exists(jar)) {
            return jar;
        }
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Premain-Class", RecordingAgent.class.getName());
        Path core = Path.of(jar(Agent.class));
        Path tests = Path.of(jar(RecordingAgent.class));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            add(out, core, "dev/telltale/agent/core/", n -> true);
            add(out, tests, "dev/telltale/agent/core/", n -> n.startsWith("dev/telltale/agent/core/RecordingAgent"));
        }
        return jar;
    }

    private static void add(JarOutputStream out, Path root, String under, java.util.function.Predicate<String> keep)
            throws IOException {
        try (Stream<Path> s = Files.walk(root.resolve(under))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = root.relativize(p).toString().replace(File.separatorChar, '/');
                if (Files.isRegularFile(p) && name.endsWith(".class") && keep.test(name)) {
                    out.putNextEntry(new JarEntry(name));
                    try (OutputStream o = new java.io.FilterOutputStream(out) {
                        @Override
                        public void close() {
                        }
                    }) {
                        Files.copy(p, o);
                    }
                    out.closeEntry();
                }
            }
        }
    }
}
