package dev.telltale.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The jars of this JVM's runtime class path that live in a Maven repository, so their
 * coordinates are known. Under Surefire the class path is a manifest-only jar, whose
 * {@code Class-Path} is followed. Bounded: at most {@code maxJars} jars, {@code classesPerJar}
 * classes read from each, and {@code hashBudget} bytes hashed in total.
 */
public final class JavaJars {
    private JavaJars() {
    }

    /** The jars, in class-path order. */
    public static List<JarModel> discover(int maxJars, int classesPerJar, long hashBudget) {
        List<Path> jars = classPathJars();
        List<JarModel> out = new ArrayList<>();
        long budget = hashBudget;
        for (Path jar : jars) {
            if (out.size() >= maxJars) {
                break;
            }
            Optional<String[]> gav = coordinates(jar);
            if (gav.isEmpty()) {
                continue;
            }
            try {
                long size = Files.size(jar);
                Optional<byte[]> sha = Optional.empty();
                if (size <= budget) {
                    sha = Optional.of(Hashing.sha256(jar));
                    budget -= size;
                }
                String[] c = gav.get();
                out.add(new JarModel(jar.toString(), c[0], c[1], c[2], size, sha, classes(jar, classesPerJar)));
            } catch (IOException e) {
                // An unreadable jar is left out of the model.
            }
        }
        return List.copyOf(out);
    }

    static List<Path> classPathJars() {
        Set<Path> out = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (!entry.endsWith(".jar")) {
                continue;
            }
            Path p = Path.of(entry).toAbsolutePath();
            if (coordinates(p).isPresent()) {
                out.add(p);
            } else {
                out.addAll(manifestClassPath(p));
            }
        }
        return new ArrayList<>(out);
    }

    private static List<Path> manifestClassPath(Path jar) {
        List<Path> out = new ArrayList<>();
        try (JarFile jf = new JarFile(jar.toFile())) {
            var mf = jf.getManifest();
            String cp = mf == null ? null : mf.getMainAttributes().getValue("Class-Path");
            if (cp == null) {
                return out;
            }
            for (String url : cp.trim().split("\\s+")) {
                try {
                    Path p = url.startsWith("file:") ? Path.of(java.net.URI.create(url)) : jar.resolveSibling(url);
                    if (p.toString().endsWith(".jar")) {
                        out.add(p);
                    }
                } catch (RuntimeException e) {
                    // An entry we cannot resolve is skipped.
                }
            }
        } catch (IOException e) {
            // Not a jar after all.
        }
        return out;
    }

    /** groupId, artifactId, version from {@code .../repository/g/r/p/artifact/version/artifact-version.jar}. */
    static Optional<String[]> coordinates(Path jar) {
        String s = jar.toString().replace('\\', '/');
        int repo = s.indexOf("/repository/");
        if (repo < 0) {
            return Optional.empty();
        }
        String[] parts = s.substring(repo + "/repository/".length()).split("/");
        if (parts.length < 4) {
            return Optional.empty();
        }
        String version = parts[parts.length - 2];
        String artifact = parts[parts.length - 3];
        if (!parts[parts.length - 1].startsWith(artifact + "-" + version)) {
            return Optional.empty();
        }
        String group = String.join(".", java.util.Arrays.copyOf(parts, parts.length - 3));
        return Optional.of(new String[]{group, artifact, version});
    }

    private static List<ClassFiles.ClassModel> classes(Path jar, int max) {
        List<ClassFiles.ClassModel> out = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements() && out.size() < max) {
                ZipEntry e = entries.nextElement();
                String n = e.getName();
                if (!n.endsWith(".class") || n.startsWith("META-INF/") || n.endsWith("module-info.class")
                        || n.endsWith("package-info.class") || e.getSize() > 256 << 10) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(e)) {
                    ClassFiles.parse(in.readAllBytes(), 24).filter(c -> !c.methods().isEmpty()).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            // A damaged jar contributes no classes.
        }
        return List.copyOf(out);
    }
}
