package dev.telltale.policy.rules;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Path and name matching for rule parameters. A pattern without wildcards names a file or a
 * directory and matches it and everything below it; otherwise it is a glob over the whole
 * string: {@code *} and {@code ?} stay within one path element, {@code **} crosses slashes
 * ({@code **}{@code /x} also matches {@code /x} at the top). Absolute paths are normalised
 * first so that {@code /usr/../etc/shadow} is judged as {@code /etc/shadow}.
 */
final class PathMatch {
    private static final int CACHE_MAX = 4096;
    private static final Map<String, Pattern> GLOBS = new ConcurrentHashMap<>();

    private PathMatch() {
    }

    /** {@code /a/./b//c/../d} → {@code /a/b/d}; relative paths are returned unchanged. */
    static String normalize(String path) {
        if (!path.startsWith("/") || !(path.contains("//") || path.contains("/.") || path.endsWith("/"))) {
            return path;
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** Whether {@code path} is {@code dir} or below it. */
    static boolean under(String path, String dir) {
        String d = dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        if (d.isEmpty()) {
            return false;
        }
        return path.equals(d) || path.startsWith(d.equals("/") ? "/" : d + "/");
    }

    static boolean matches(String path, String pattern) {
        if (pattern.isEmpty()) {
            return false;
        }
        if (!hasWildcard(pattern)) {
            return under(path, pattern);
        }
        return glob(pattern).matcher(path).matches();
    }

    static boolean matchesAny(String path, List<String> patterns) {
        for (Glob g : compiled(patterns)) {
            if (g.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private static final Map<List<String>, Glob[]> LISTS = new ConcurrentHashMap<>();

    /**
     * A parameter list compiled once. Lists come from compiled policies and are the same
     * instance on every call, so the lookup is an identity hit; a policy change brings new
     * instances, and the bound keeps old ones from piling up.
     */
    private static Glob[] compiled(List<String> patterns) {
        Glob[] g = LISTS.get(patterns);
        if (g == null) {
            if (LISTS.size() > 256) {
                LISTS.clear();
            }
            g = patterns.stream().map(Glob::of).toArray(Glob[]::new);
            LISTS.put(patterns, g);
        }
        return g;
    }

    /**
     * One pattern, matched without a regular expression in the common shapes: a directory,
     * {@code **}{@code /name}, {@code prefix/**}; otherwise a regex behind a cheap check for the
     * pattern's longest literal part.
     */
    private record Glob(int kind, String literal, Pattern regex) {
        static final int NONE = 0, UNDER = 1, SUFFIX = 2, PREFIX = 3, REGEX = 4;

        static Glob of(String p) {
            if (p.isEmpty()) {
                return new Glob(NONE, "", null);
            }
            if (!hasWildcard(p)) {
                return new Glob(UNDER, p, null);
            }
            if (p.startsWith("**/") && !hasWildcard(p.substring(3))) {
                return new Glob(SUFFIX, p.substring(3), null);
            }
            if (p.endsWith("**") && !hasWildcard(p.substring(0, p.length() - 2))) {
                return new Glob(PREFIX, p.substring(0, p.length() - 2), null);
            }
            String longest = "";
            for (String part : p.split("[*?]+")) {
                if (part.length() > longest.length()) {
                    longest = part;
                }
            }
            return new Glob(REGEX, longest, glob(p));
        }

        boolean matches(String path) {
            return switch (kind) {
                case UNDER -> under(path, literal);
                case SUFFIX -> path.equals(literal) || (path.endsWith(literal)
                        && path.length() > literal.length() && path.charAt(path.length() - literal.length() - 1) == '/');
                case PREFIX -> path.startsWith(literal);
                case REGEX -> path.contains(literal) && regex.matcher(path).matches();
                default -> false;
            };
        }
    }

    /** The first pattern of the list that matches, or "". */
    static String firstMatch(String path, List<String> patterns) {
        for (String p : patterns) {
            if (matches(path, p)) {
                return p;
            }
        }
        return "";
    }

    static boolean hasWildcard(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }

    static Pattern glob(String pattern) {
        Pattern p = GLOBS.get(pattern);
        if (p == null) {
            if (GLOBS.size() > CACHE_MAX) {
                GLOBS.clear(); // patterns come from policies: a bounded, mostly constant set
            }
            p = Pattern.compile(regex(pattern), Pattern.DOTALL);
            GLOBS.put(pattern, p);
        }
        return p;
    }

    private static String regex(String glob) {
        StringBuilder r = new StringBuilder();
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < n && glob.charAt(i + 1) == '*') {
                boolean slashAfter = i + 2 < n && glob.charAt(i + 2) == '/';
                r.append(slashAfter ? "(?:.*/)?" : ".*");
                i += slashAfter ? 2 : 1;
            } else if (c == '*') {
                r.append("[^/]*");
            } else if (c == '?') {
                r.append("[^/]");
            } else {
                r.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return r.toString();
    }
}
