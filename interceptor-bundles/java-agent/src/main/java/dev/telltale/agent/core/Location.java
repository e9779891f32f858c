package dev.telltale.agent.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where classes come from, parsed from a CodeSource location (or a JDK module name):
 * <ul>
 * <li>{@code file:/app/lib/x.jar}, {@code jar:file:/app/lib/x.jar!/} — a jar;</li>
 * <li>{@code file:/app/classes/} — a class directory;</li>
 * <li>{@code jar:file:/app.jar!/BOOT-INF/lib/x.jar!/} (Spring Boot ≤ 3.1, fat jars) and
 *     {@code jar:nested:/app.jar/!BOOT-INF/lib/x.jar!/} (Spring Boot ≥ 3.2) — a jar nested in
 *     another, or a directory inside a jar ({@code BOOT-INF/classes});</li>
 * <li>{@code jrt:/java.base} — a JDK module.</li>
 * </ul>
 */
final class Location {
    enum Kind { JAR, DIR, NESTED_JAR, NESTED_DIR, MODULE }

    final Kind kind;
    /** The file on disk (outer jar for nested kinds); the module name for MODULE. */
    final String file;
    /** The entry inside {@link #file} for nested kinds, without a trailing slash; else null. */
    final String entry;

    Location(Kind kind, String file, String entry) {
        this.kind = kind;
        this.file = file;
        this.entry = entry;
    }

    /** The path the appliance shows: {@code /app.jar!/BOOT-INF/lib/x.jar} for nested entries. */
    String path() {
        switch (kind) {
            case MODULE:
                return "jrt:/" + file;
            case NESTED_JAR:
            case NESTED_DIR:
                return file + "!/" + entry;
            default:
                return file;
        }
    }

    /** The containing jar's path for nested kinds, else null. */
    String parent() {
        return kind == Kind.NESTED_JAR || kind == Kind.NESTED_DIR ? file : null;
    }

    /** The {@code load} value of the dependency event. */
    String load() {
        switch (kind) {
            case MODULE:
                return "jdk_module";
            case DIR:
            case NESTED_DIR:
                return "classdir";
            case NESTED_JAR:
                return "nested";
            default:
                return "classpath";
        }
    }

    /** Parses a CodeSource location; null for schemes that name no file (http:, memory). */
    static Location parse(String url) {
        String s = url;
        boolean jarUrl = s.startsWith("jar:");
        if (jarUrl) {
            s = s.substring(4);
            while (s.endsWith("!/")) {
                s = s.substring(0, s.length() - 2);
            }
        }
        String outer;
        String entry = null;
        if (s.startsWith("nested:")) {
            // Spring Boot 3.2+: nested:<path>/!<entry>
            String rest = s.substring(7);
            int sep = rest.indexOf("/!");
            outer = sep < 0 ? rest : rest.substring(0, sep);
            entry = sep < 0 ? null : rest.substring(sep + 2);
        } else if (s.startsWith("file:")) {
            int bang = s.indexOf("!/");
            outer = bang < 0 ? s.substring(5) : s.substring(5, bang);
            entry = bang < 0 ? null : s.substring(bang + 2);
        } else if (s.startsWith("jrt:/")) {
            return new Location(Kind.MODULE, s.substring(5), null);
        } else {
            return null;
        }
        if (outer.startsWith("//")) {
            outer = outer.substring(2); // file://host/path: only local files are ours to read
            int slash = outer.indexOf('/');
            if (slash < 0) {
                return null;
            }
            outer = outer.substring(slash);
        }
        outer = decode(outer);
        if (entry != null) {
            entry = decode(entry);
            while (entry.endsWith("/")) {
                entry = entry.substring(0, entry.length() - 1);
            }
            if (entry.isEmpty()) {
                entry = null;
            }
        }
        if (entry != null) {
            boolean dir = !entry.endsWith(".jar") && !entry.endsWith(".zip");
            return new Location(dir ? Kind.NESTED_DIR : Kind.NESTED_JAR, outer, entry);
        }
        if (outer.endsWith("/")) {
            String trimmed = outer.length() > 1 ? outer.substring(0, outer.length() - 1) : outer;
            return new Location(Kind.DIR, trimmed, null);
        }
        boolean dir = !jarUrl && new java.io.File(outer).isDirectory();
        return new Location(dir ? Kind.DIR : Kind.JAR, outer, null);
    }

    /** Percent-decoding as in URIs ({@code +} stays a plus). */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    b.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            int cp = s.codePointAt(i);
            byte[] u = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            b.write(u, 0, u.length);
            i += Character.charCount(cp) - 1;
        }
        return new String(b.toByteArray(), StandardCharsets.UTF_8);
    }
}
