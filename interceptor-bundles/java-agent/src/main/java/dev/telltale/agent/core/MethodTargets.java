package dev.telltale.agent.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which places' classes get method probes: {@code TELLTALE_JAVA_METHODS}, a comma-separated
 * list of purls ({@code pkg:maven/g/a@1.2}), purl prefixes ending in {@code *}
 * ({@code pkg:maven/com.fasterxml.jackson.core/*}) and {@code vulnerable}, the purls listed in
 * the file {@code TELLTALE_JAVA_TRACE_FILE} (one a line, written by the forwarder). The file
 * may appear or change during the run: {@link #refresh} re-reads it when its modification
 * time or size changed. Thread-safe: readers see one immutable snapshot.
 */
final class MethodTargets {
    static final int FILE_LINES = 10_000;
    static final int FILE_BYTES = 1 << 20;
    private static final int PURL_MAX = 1024;

    /** Items of the variable that were not understood (reported once by the agent). */
    final List<String> invalid = new ArrayList<>();
    private final Set<String> exact = new HashSet<>();
    private final List<String> prefixes = new ArrayList<>();
    private final Path file;
    private volatile Snapshot snapshot;
    private long fileTime = Long.MIN_VALUE;
    private long fileSize = -1;

    private static final class Snapshot {
        final Set<String> exact;
        final String[] prefixes;

        Snapshot(Set<String> exact, List<String> prefixes) {
            this.exact = exact;
            this.prefixes = prefixes.toArray(new String[0]);
        }
    }

    private MethodTargets(Path file) {
        this.file = file;
    }

    /**
     * The targets the variables name, or null when tracing is off (the variable unset, empty
     * or {@code off}). Never throws: bad items land in {@link #invalid}.
     */
    static MethodTargets parse(String spec, String traceFile) {
        if (spec == null || spec.trim().isEmpty() || spec.trim().equalsIgnoreCase("off")) {
            return null;
        }
        boolean vulnerable = false;
        List<String> items = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String item = raw.trim();
            if (item.equals("vulnerable")) {
                vulnerable = true;
            } else if (!item.isEmpty()) {
                items.add(item);
            }
        }
        Path file = null;
        if (vulnerable) {
            try {
                file = traceFile == null || traceFile.trim().isEmpty() ? null : Paths.get(traceFile.trim());
            } catch (RuntimeException e) {
                file = null;
            }
        }
        MethodTargets t = new MethodTargets(file);
        if (vulnerable && file == null) {
            t.invalid.add("vulnerable (TELLTALE_JAVA_TRACE_FILE is not set)");
        }
        for (String item : items) {
            if (!t.add(item, t.exact, t.prefixes)) {
                t.invalid.add(item);
            }
        }
        t.snapshot = new Snapshot(Collections.unmodifiableSet(new HashSet<>(t.exact)), t.prefixes);
        t.refresh();
        return t;
    }

    /** True when no place can match (until a trace file with entries appears, say). */
    boolean isEmpty() {
        Snapshot s = snapshot;
        return s.exact.isEmpty() && s.prefixes.length == 0;
    }

    /** Whether a place with this purl is traced. */
    boolean matches(String purl) {
        if (purl == null) {
            return false;
        }
        Snapshot s = snapshot;
        if (s.exact.contains(purl)) {
            return true;
        }
        for (String p : s.prefixes) {
            if (purl.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Re-reads the trace file when it changed (or appeared, or went away); returns whether
     * the targets changed. Called by the worker once per poll; never throws.
     */
    synchronized boolean refresh() {
        if (file == null) {
            return false;
        }
        long time;
        long size;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            time = a.lastModifiedTime().toMillis();
            size = a.size();
        } catch (IOException | RuntimeException e) {
            time = Long.MIN_VALUE + 1; // missing: no file entries
            size = -1;
        }
        if (time == fileTime && size == fileSize) {
            return false;
        }
        fileTime = time;
        fileSize = size;
        Set<String> ex = new HashSet<>(exact);
        List<String> pre = new ArrayList<>(prefixes);
        if (size >= 0) {
            for (String line : readLines(file)) {
                add(line, ex, pre); // a bad line in the forwarder's file is skipped
            }
        }
        snapshot = new Snapshot(Collections.unmodifiableSet(ex), pre);
        return true;
    }

    /** The file's meaningful lines: at most FILE_LINES of its first FILE_BYTES. */
    static List<String> readLines(Path file) {
        List<String> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(FILE_BYTES);
            BufferedReader r = new BufferedReader(new InputStreamReader(
                    new java.io.ByteArrayInputStream(head), StandardCharsets.UTF_8));
            int n = 0;
            for (String line; (line = r.readLine()) != null && n < FILE_LINES; n++) {
                String s = line.trim();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    out.add(s);
                }
            }
        } catch (NoSuchFileException e) {
            // renamed away between the stat and the read: the next poll sees the new one
        } catch (IOException | RuntimeException e) {
            // unreadable: no entries from it this time
        }
        return out;
    }

    /**
     * Adds an exact purl or a prefix pattern; false when it is not one. Qualifiers and
     * subpaths ({@code ?…}, {@code #…}) are dropped: the agent's purls carry none.
     */
    private static boolean add(String item, Set<String> exact, List<String> prefixes) {
        if (!item.startsWith("pkg:") || item.length() > PURL_MAX) {
            return false;
        }
        for (int i = 0; i < item.length(); i++) {
            char c = item.charAt(i);
            if (c <= ' ' || c == '*' && i != item.length() - 1) {
                return false;
            }
        }
        if (item.endsWith("*")) {
            String p = item.substring(0, item.length() - 1);
            if (p.length() <= 4) {
                return false; // "pkg:*" would trace every class of every jar
            }
            prefixes.add(p);
            return true;
        }
        int cut = item.length();
        for (char c : new char[] {'?', '#'}) {
            int i = item.indexOf(c);
            if (i > 0 && i < cut) {
                cut = i;
            }
        }
        exact.add(item.substring(0, cut));
        return true;
    }
}
