package dev.telltale.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The packaged agent jar on every Java runtime of the machine, without a forwarder. */
public class AgentJarIT {
    private static final File JAR = new File(System.getProperty("telltale.agent.jar", "target/telltale-java-agent.jar"));

    public static List<String> runtimes() {
        List<String> out = new ArrayList<>();
        out.add(System.getProperty("java.home") + "/bin/java");
        File[] jvms = new File("/usr/lib/jvm").listFiles();
        if (jvms != null) {
            for (File d : jvms) {
                File java = new File(d, "bin/java");
                if (java.canExecute() && !out.contains(java.getPath())) {
                    out.add(java.getPath());
                }
            }
        }
        return out;
    }

    private static String run(String java, boolean agent) throws Exception {
        return run(java, agent, Map.of());
    }

    private static String run(String java, boolean agent, Map<String, String> extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java));
        if (agent) {
            cmd.add("-javaagent:" + JAR.getAbsolutePath());
        }
        // Only the test classes: the build's class path holds the agent's classes themselves.
        String probe = new File(Probe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        cmd.addAll(List.of("-cp", probe, Probe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("TELLTALE_") || k.equals("LD_PRELOAD") || k.equals("JAVA_TOOL_OPTIONS"));
        env.putAll(extra);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        return out + (err.isEmpty() ? "" : "stderr: " + err);
    }

    @Test
    void onlyTheBootClassIsOnTheClassPath() throws Exception {
        try (ZipFile z = new ZipFile(JAR)) {
            List<String> classes = new ArrayList<>();
            z.stream().filter(e -> e.getName().endsWith(".class")).forEach(e -> classes.add(e.getName()));
            assertTrue(classes.stream().allMatch(n -> n.startsWith("dev/telltale/agent/boot/")), classes.toString());
            assertTrue(z.getEntry("META-INF/telltale/agent-core.jar") != null);
            String mf = new String(z.getInputStream(z.getEntry("META-INF/MANIFEST.MF")).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(mf.contains("Premain-Class: dev.telltale.agent.boot.TelltaleAgentBoot"), mf);
        }
    }

    @Test
    void agentClassesAreHiddenAndNothingIsPrinted() throws Exception {
        for (String java : runtimes()) {
            String with = run(java, true);
            String without = run(java, false);
            assertTrue(with.contains("hidden dev.telltale.agent.core.Agent"), java + ": " + with);
            assertTrue(with.contains("hidden dev.telltale.agent.core.Transport"), java + ": " + with);
            // The boot class is the one the JVM itself puts on the class path.
            assertTrue(with.contains("visible dev.telltale.agent.boot.TelltaleAgentBoot"), java + ": " + with);
            assertEquals(without.replace("hidden dev.telltale.agent.boot", "visible dev.telltale.agent.boot")
                    .replace("transformers ran: false", "transformers ran: true"), with, java);
        }
    }

    @Test
    void methodTracingWithoutAForwarderChangesNothing() throws Exception {
        for (String java : runtimes()) {
            String with = run(java, true, Map.of("TELLTALE_JAVA_METHODS", "pkg:maven/*,vulnerable,bad item",
                    "TELLTALE_JAVA_TRACE_FILE", "/nonexistent/trace"));
            assertEquals(run(java, true), with, java);
            assertTrue(with.contains("hidden dev.telltale.agent.core.MethodTracer"), java + ": " + with);
        }
    }
}
