package launcher;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * A tiny Spring Boot-like launcher: classes of BOOT-INF/classes and of the jars nested in
 * BOOT-INF/lib are defined from memory with the code-source URLs Spring Boot gives them,
 * the old {@code jar:file:app.jar!/BOOT-INF/lib/x.jar!/} form for one jar, the 3.2+
 * {@code jar:nested:app.jar/!BOOT-INF/lib/x.jar!/} form for the others.
 */
public class Launcher extends ClassLoader {
    private static final java.util.List<String> NAMES = new java.util.ArrayList<>();
    private final Map<String, byte[]> bytes = new HashMap<>();
    private final Map<String, ProtectionDomain> domains = new HashMap<>();

    Launcher(File jar) throws IOException {
        super(Launcher.class.getClassLoader());
        String path = jar.getAbsolutePath();
        try (ZipFile z = new ZipFile(jar)) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                String n = e.getName();
                if (n.startsWith("BOOT-INF/classes/") && n.endsWith(".class")) {
                    put(n.substring(17), read(z.getInputStream(e)), domain("jar:file:" + path + "!/BOOT-INF/classes!/"));
                } else if (n.startsWith("BOOT-INF/lib/") && n.endsWith(".jar")) {
                    String url = n.contains("commons-lang3") ? "jar:file:" + path + "!/" + n + "!/"
                            : "jar:nested:" + path + "/!" + n + "!/";
                    ProtectionDomain pd = domain(url);
                    try (ZipInputStream in = new ZipInputStream(z.getInputStream(e))) {
                        for (ZipEntry x; (x = in.getNextEntry()) != null; ) {
                            if (x.getName().endsWith(".class") && !x.getName().startsWith("META-INF/")) {
                                put(x.getName(), read(in), pd);
                            }
                        }
                    }
                }
            }
        }
    }

    private void put(String entry, byte[] b, ProtectionDomain pd) {
        String name = entry.substring(0, entry.length() - 6).replace('/', '.');
        bytes.put(name, b);
        domains.put(name, pd);
        NAMES.add(name);
    }

    /** Every class of the fat jar, in jar order (for the benchmark's start-up work). */
    public static java.util.List<String> names() {
        return NAMES;
    }

    private static ProtectionDomain domain(String url) throws IOException {
        URLStreamHandler none = new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL u) throws IOException {
                throw new IOException("not readable: " + u);
            }
        };
        return new ProtectionDomain(new CodeSource(new URL(null, url, none), (Certificate[]) null), null);
    }

    private static byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = bytes.get(name);
        if (b == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length, domains.get(name));
    }

    public static void main(String[] args) throws Exception {
        File jar = new File(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String start;
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar)) {
            start = j.getManifest().getMainAttributes().getValue("Start-Class");
        }
        Class<?> main = Class.forName(start == null ? "app.FatApp" : start, true, new Launcher(jar));
        main.getMethod("main", String[].class).invoke(null, (Object) args);
    }
}
