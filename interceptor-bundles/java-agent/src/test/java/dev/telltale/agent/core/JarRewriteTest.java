package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Every class of real jars from the local Maven repository, rewritten, defined in a verifying
 * loader and initialized: a VerifyError anywhere fails; a missing optional dependency does not.
 */
class JarRewriteTest {
    static final String M2 = System.getProperty("user.home") + "/.m2/repository/";

    /** Groups of jars that link with each other; a group whose jars are missing is left out. */
    static List<List<File>> groups() {
        String[][] groups = {
            {"org/apache/commons/commons-lang3/3.18.0/commons-lang3-3.18.0.jar"},
            {"com/google/code/gson/gson/2.13.2/gson-2.13.2.jar"},
            {"com/fasterxml/jackson/core/jackson-core/2.13.5/jackson-core-2.13.5.jar"},
            {"com/fasterxml/jackson/core/jackson-core/2.17.2/jackson-core-2.17.2.jar",
                "com/fasterxml/jackson/core/jackson-annotations/2.17.2/jackson-annotations-2.17.2.jar",
                "com/fasterxml/jackson/core/jackson-databind/2.17.2/jackson-databind-2.17.2.jar"},
        };
        List<List<File>> out = new ArrayList<>();
        for (String[] g : groups) {
            List<File> files = new ArrayList<>();
            for (String p : g) {
                files.add(new File(M2 + p));
            }
            if (files.stream().allMatch(File::isFile)) {
                out.add(files);
            }
        }
        return out;
    }

    @Test
    void everyClassOfRealJarsVerifies() throws Exception {
        List<List<File>> groups = groups();
        assertTrue(groups.size() >= 2, "commons-lang3 and gson are test dependencies");
        for (List<File> jars : groups) {
            verifyAll(jars);
        }
    }

    private static void verifyAll(List<File> jars) throws Exception {
        Map<String, byte[]> classes = new HashMap<>();
        for (File jar : jars) {
            try (ZipFile z = new ZipFile(jar)) {
                for (ZipEntry e : java.util.Collections.list(z.entries())) {
                    String n = e.getName();
                    if (n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class")) {
                        try (InputStream in = z.getInputStream(e)) {
                            classes.putIfAbsent(n.substring(0, n.length() - 6).replace('/', '.'), in.readAllBytes());
                        }
                    }
                }
            }
        }
        RewriterLoader l = new RewriterLoader(classes);
        int initialized = 0;
        Set<String> failed = new TreeSet<>();
        for (String name : new TreeSet<>(classes.keySet())) {
            try {
                Class<?> c = Class.forName(name, true, l);
                c.getDeclaredMethods();
                initialized++;
            } catch (Throwable t) {
                for (Throwable x = t; x != null; x = x.getCause()) {
                    if (x instanceof VerifyError || x instanceof ClassFormatError) {
                        failed.add(name + ": " + x);
                    }
                }
            }
        }
        assertEquals(Set.of(), failed, jars.toString());
        int methods = l.traced.values().stream().mapToInt(List::size).sum();
        assertTrue(l.traced.size() > classes.size() / 2, l.traced.size() + " of " + classes.size() + " classes traced in " + jars);
        assertTrue(initialized > classes.size() * 9 / 10, initialized + " of " + classes.size() + " initialized in " + jars);
        assertTrue(methods > 500, methods + " methods in " + jars);
        System.out.println(jars.get(jars.size() - 1).getName() + ": " + l.traced.size() + " of " + classes.size()
                + " classes traced, " + methods + " methods, " + initialized + " initialized");
    }
}
