package dev.telltale.loadgen;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * JDK classes read from this JDK's runtime image ({@code jrt:/}), so Java frames name methods
 * that really exist here, with their real source file names.
 */
final class JdkClasses {
    private final Map<String, Optional<ClassFiles.ClassModel>> cache = new HashMap<>();
    private final FileSystem jrt;
    private final String modulesFile;

    JdkClasses() {
        FileSystem fs;
        try {
            fs = FileSystems.getFileSystem(URI.create("jrt:/"));
        } catch (RuntimeException e) {
            fs = null;
        }
        jrt = fs;
        modulesFile = Path.of(System.getProperty("java.home"), "lib", "modules").toString();
    }

    /** The runtime image file that holds these classes: what a stack frame names as its module. */
    String modulesFile() {
        return modulesFile;
    }

    /** The class, if this JDK has it in {@code java.base}. */
    synchronized Optional<ClassFiles.ClassModel> find(String className) {
        return cache.computeIfAbsent(className, this::load);
    }

    private Optional<ClassFiles.ClassModel> load(String className) {
        if (jrt == null) {
            return Optional.empty();
        }
        Path p = jrt.getPath("/modules/java.base/" + className.replace('.', '/') + ".class");
        try {
            return ClassFiles.parse(Files.readAllBytes(p), 400);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
