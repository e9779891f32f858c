package dev.telltale.sbom;

import java.util.Optional;

/**
 * Where a Python or Node package starts, seen from a file a program opened in it: the first
 * directory under {@code site-packages}/{@code dist-packages} (or the top-level module file),
 * or the package directory after the last {@code node_modules} ({@code @scope/name} for scoped
 * ones). The interceptor's host environment names the same directories as the packages' files,
 * so an open of {@code …/site-packages/requests/api.py} marks the requests distribution as used.
 */
final class PackageRoots {
    private PackageRoots() {
    }

    /** A package's root and its language ({@code python} or {@code node}). */
    record Root(String path, String language) {
    }

    /**
     * Whether an encoded file event's path is inside a package directory: a cheap test before
     * decoding (file events are many; only the path is read, not the stack or the rest).
     */
    static boolean mentioned(byte[] encodedFileEvent) {
        String path = dev.telltale.protocol.event.EventCodec.peekBodyString(encodedFileEvent, 0, encodedFileEvent.length, 2);
        return path.contains("-packages/") || path.contains("/node_modules/");
    }

    static Optional<Root> of(String path) {
        int nm = path.lastIndexOf("/node_modules/");
        if (nm >= 0) {
            return node(path, nm + "/node_modules/".length());
        }
        int site = path.indexOf("/site-packages/");
        if (site < 0) {
            site = path.indexOf("/dist-packages/");
        }
        return site < 0 ? Optional.empty() : python(path, site + "/site-packages/".length());
    }

    private static Optional<Root> node(String path, int start) {
        int slash = path.indexOf('/', start);
        if (slash > start && path.charAt(start) == '@') {
            slash = path.indexOf('/', slash + 1);
        }
        return slash <= start ? Optional.empty() : Optional.of(new Root(path.substring(0, slash + 1), "node"));
    }

    private static Optional<Root> python(String path, int start) {
        int slash = path.indexOf('/', start);
        String first = slash < 0 ? path.substring(start) : path.substring(start, slash);
        if (first.isEmpty() || first.endsWith(".dist-info") || first.endsWith(".egg-info")) {
            return Optional.empty();
        }
        if (first.equals("__pycache__")) {
            // site/__pycache__/six.cpython-311.pyc is the compiled top-level module six.py
            String file = path.substring(slash + 1);
            int dot = file.indexOf('.');
            return dot <= 0 || file.indexOf('/') >= 0 ? Optional.empty()
                    : Optional.of(new Root(path.substring(0, start) + file.substring(0, dot) + ".py", "python"));
        }
        if (slash >= 0) {
            return Optional.of(new Root(path.substring(0, slash + 1), "python"));
        }
        return first.endsWith(".py") || first.endsWith(".so")
                ? Optional.of(new Root(path, "python")) : Optional.empty();
    }
}
