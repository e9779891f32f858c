package dev.telltale.agent.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The only class of the Telltale Java agent on the application's class path (the JVM appends
 * an agent jar to the system class path). It reads the real agent, a jar nested in its own
 * jar, and defines it in a private class loader whose parent is the platform loader, so no
 * other agent class can be seen by, or clash with, the application.
 *
 * <p>Kept tiny on purpose: everything here runs on the JVM's start-up path, and any failure is
 * swallowed (the application must start whatever happens to the agent).
 */
public final class TelltaleAgentBoot {
    static final String NESTED = "META-INF/telltale/agent-core.jar";
    static final String ENTRY = "dev.telltale.agent.core.Agent";

    private TelltaleAgentBoot() {
    }

    /** {@code -javaagent:} entry point; never throws. */
    public static void premain(String args, Instrumentation inst) {
        boot(args, inst, false);
    }

    /** Dynamic attach entry point; never throws. */
    public static void agentmain(String args, Instrumentation inst) {
        boot(args, inst, true);
    }

    private static void boot(String args, Instrumentation inst, boolean attached) {
        try {
            Map<String, byte[]> classes = readNested();
            if (classes.isEmpty()) {
                return;
            }
            ClassLoader loader = new Isolated(classes);
            Class<?> agent = Class.forName(ENTRY, true, loader);
            Method start = agent.getMethod("start", String.class, Instrumentation.class, boolean.class);
            start.invoke(null, args, inst, attached);
        } catch (Throwable t) {
            // The agent must never break the application; the core reports its own failures.
        }
    }

    /** Class files of the nested core jar, by binary name. */
    static Map<String, byte[]> readNested() throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        InputStream raw = TelltaleAgentBoot.class.getClassLoader() == null
                ? ClassLoader.getSystemResourceAsStream(NESTED)
                : TelltaleAgentBoot.class.getClassLoader().getResourceAsStream(NESTED);
        if (raw == null) {
            return out;
        }
        try (ZipInputStream zip = new ZipInputStream(raw)) {
            byte[] buf = new byte[8192];
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String n = e.getName();
                if (!n.endsWith(".class")) {
                    continue;
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (int r; (r = zip.read(buf)) > 0; ) {
                    bytes.write(buf, 0, r);
                }
                out.put(n.substring(0, n.length() - 6).replace('/', '.'), bytes.toByteArray());
            }
        }
        return out;
    }

    /** Defines the core's classes from memory; everything else comes from the platform loader. */
    static final class Isolated extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        private final Map<String, byte[]> classes;

        Isolated(Map<String, byte[]> classes) {
            super("telltale-agent", ClassLoader.getPlatformClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b;
            synchronized (classes) {
                b = classes.remove(name);
            }
            if (b == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, b, 0, b.length);
        }
    }
}
