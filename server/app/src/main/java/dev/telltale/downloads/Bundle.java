package dev.telltale.downloads;

import java.nio.file.Path;

/** A downloadable agent bundle: file name, size, SHA-256 and what it runs on. */
public record Bundle(String name, Path path, long size, String sha256, String libc) {
}
