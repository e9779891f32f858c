package dev.telltale.agent.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The only class of the Telltale Java agent on the application's class path (the JVM appends
 * an agent jar to the system class path). It reads the real agent, a jar nested in its own
 * jar, and defines it as a named module of a private class loader whose parent is the
 * platform loader, so no other agent class can be seen by, or clash with, the application.
 *
 * <p>Kept tiny on purpose: everything here runs on the JVM's start-up path, and any failure is
 * swallowed (the application must start whatever happens to the agent).
 */
public final class TelltaleAgentBoot {
    static final String NESTED = "META-INF/telltale/agent-core.jar";
    static final String ENTRY = "dev.telltale.agent.core.Agent";
    static final String MODULE = "dev.telltale.agent.core";

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
            Isolated loader = new Isolated(classes);
            try {
                defineModule(loader, classes.keySet());
            } catch (Throwable t) {
                // No module (an odd JVM): the core still works from the loader's unnamed module.
            }
            Class<?> agent = Class.forName(ENTRY, true, loader);
            Method start = agent.getMethod("start", String.class, Instrumentation.class, boolean.class);
            start.invoke(null, args, inst, attached);
        } catch (Throwable t) {
            // The agent must never break the application; the core reports its own failures.
        }
    }

    /**
     * Makes the core a named module of its own loader. A named module can be granted native
     * access alone (JDK 22+ warns on the application's stderr when code without it loads a
     * native library); every unnamed module shares one switch, the application's included.
     */
    static Module defineModule(ClassLoader loader, Set<String> classNames) {
        Set<String> packages = new HashSet<>();
        for (String c : classNames) {
            packages.add(c.substring(0, c.lastIndexOf('.')));
        }
        ModuleDescriptor.Builder b = ModuleDescriptor.newModule(MODULE).requires("java.instrument").packages(packages);
        b.exports(ENTRY.substring(0, ENTRY.lastIndexOf('.')));
        ModuleDescriptor d = b.build();
        ModuleReference ref = new ModuleReference(d, null) {
            @Override
            public ModuleReader open() {
                return new ModuleReader() {
                    @Override
                    public Optional<URI> find(String name) {
                        return Optional.empty();
                    }

                    @Override
                    public Stream<String> list() {
                        return Stream.empty();
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return MODULE.equals(name) ? Optional.of(ref) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(ref);
            }
        };
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolve(finder, ModuleFinder.of(), Set.of(MODULE));
        return ModuleLayer.defineModules(cf, List.of(boot), name -> loader).layer().findModule(MODULE).orElseThrow();
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
