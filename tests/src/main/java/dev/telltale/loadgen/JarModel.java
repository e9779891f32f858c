package dev.telltale.loadgen;

import java.util.List;
import java.util.Optional;

/**
 * A jar of this machine with the Maven coordinates its repository path gives, its SHA-256
 * (within the hashing budget), size and a sample of its classes.
 */
public record JarModel(String path, String groupId, String artifactId, String version, long size,
                       Optional<byte[]> sha256, List<ClassFiles.ClassModel> classes) {

    /** The package URL, e.g. {@code pkg:maven/io.netty/netty-common@4.2.18.Final}. */
    public String purl() {
        return "pkg:maven/" + groupId + "/" + artifactId + "@" + version;
    }

    /** The file name, e.g. {@code netty-common-4.2.18.Final.jar}. */
    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
