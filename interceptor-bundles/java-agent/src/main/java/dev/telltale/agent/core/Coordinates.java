package dev.telltale.agent.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a jar says it is: Maven coordinates from {@code META-INF/maven/G/A/pom.properties},
 * else the manifest's Implementation-Title/-Version or Bundle-SymbolicName/-Version, else
 * the file name ({@code artifact-1.2.3.jar}). Only pom.properties give a group, so only they
 * give a purl: a guessed purl would put wrong advisories on the application.
 */
final class Coordinates {
    private static final Pattern FILE_NAME = Pattern.compile("(.+?)-(\\d[^/]*?)\\.jar");

    final String group;
    final String artifact;
    final String version;
    /** Where they came from: {@code pom}, {@code manifest}, {@code filename}. */
    final String source;

    Coordinates(String group, String artifact, String version, String source) {
        this.group = group;
        this.artifact = artifact;
        this.version = version;
        this.source = source;
    }

    /** {@code pkg:maven/group/artifact@version}, or null without a group, artifact and version. */
    String purl() {
        if (group == null || artifact == null || version == null) {
            return null;
        }
        return "pkg:maven/" + enc(group) + "/" + enc(artifact) + "@" + enc(version);
    }

    /** Reads pom.properties; null when it lacks an artifactId. */
    static Coordinates fromPom(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        String a = blank(p.getProperty("artifactId"));
        if (a == null) {
            return null;
        }
        return new Coordinates(blank(p.getProperty("groupId")), a, blank(p.getProperty("version")), "pom");
    }

    /** Reads a manifest's title and version (either may be null); null when it has neither. */
    static Coordinates fromManifest(Manifest m) {
        Attributes a = m.getMainAttributes();
        String bsn = blank(a.getValue("Bundle-SymbolicName"));
        if (bsn != null) {
            int semi = bsn.indexOf(';');
            bsn = semi > 0 ? bsn.substring(0, semi).trim() : bsn;
        }
        String title = first(blank(a.getValue("Implementation-Title")), bsn,
                blank(a.getValue("Automatic-Module-Name")));
        String version = first(blank(a.getValue("Implementation-Version")), blank(a.getValue("Bundle-Version")));
        if (title == null && version == null) {
            return null;
        }
        return new Coordinates(null, title, version, "manifest");
    }

    /** {@code commons-lang3-3.18.0.jar} → commons-lang3 3.18.0; null for other names. */
    static Coordinates fromFileName(String fileName) {
        Matcher m = FILE_NAME.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        return new Coordinates(null, m.group(1), m.group(2), "filename");
    }

    /**
     * Merges a weaker source in: fields this one lacks are taken from {@code other}
     * (a manifest version completes a pom without one; never the other way round).
     */
    Coordinates orElse(Coordinates other) {
        if (other == null) {
            return this;
        }
        return new Coordinates(group != null ? group : other.group, artifact != null ? artifact : other.artifact,
                version != null ? version : other.version, source);
    }

    private static String first(String... xs) {
        for (String x : xs) {
            if (x != null) {
                return x;
            }
        }
        return null;
    }

    private static String blank(String s) {
        return s == null || s.trim().isEmpty() ? null : s.trim();
    }

    /** Percent-encoding of a purl segment (RFC 3986 unreserved characters stay). */
    static String enc(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                b.append(c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }
}
