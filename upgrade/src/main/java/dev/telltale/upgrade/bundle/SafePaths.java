package dev.telltale.upgrade.bundle;

import dev.telltale.upgrade.bundle.BundleRefusedException.Reason;

/** The rules for names inside a bundle: relative, '/'-separated, no way out of the target. */
final class SafePaths {

    static final int MAX_PATH = 512;
    static final String RELEASE = "release/";
    static final String OS = "os/";

    private SafePaths() {
    }

    /** Refuses (UNSAFE_PATH) a name that could escape a directory or mean two things. */
    static void requireSafe(String name, String what) {
        String problem = problem(name);
        if (problem != null) {
            throw new BundleRefusedException(Reason.UNSAFE_PATH, what + " " + quote(name) + ": " + problem);
        }
    }

    /** Refuses (UNSAFE_PATH) a manifest path outside release/ and os/. */
    static void requireBundleFile(String path) {
        if (!(path.startsWith(RELEASE) && path.length() > RELEASE.length())
                && !(path.startsWith(OS) && path.length() > OS.length())) {
            throw new BundleRefusedException(Reason.UNSAFE_PATH,
                    "manifest file path " + quote(path) + ": must be under release/ or os/");
        }
    }

    private static String problem(String name) {
        if (name.isEmpty()) return "empty name";
        if (name.length() > MAX_PATH) return "longer than " + MAX_PATH + " characters";
        if (name.startsWith("/")) return "absolute path";
        if (name.indexOf('\\') >= 0) return "contains a backslash";
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) return "contains NUL";
            if (c < 0x20 || c == 0x7f) return "contains a control character";
        }
        if (name.length() >= 2 && name.charAt(1) == ':') return "drive letter";
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) return "empty path segment";
            if (segment.equals(".") || segment.equals("..")) return "'" + segment + "' segment";
        }
        return null;
    }

    /** A name fit for a message: quoted, control characters escaped, cut at 200 characters. */
    static String quote(String name) {
        StringBuilder b = new StringBuilder("\"");
        String shown = name.length() > 200 ? name.substring(0, 200) : name;
        for (char c : shown.toCharArray()) {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (shown.length() < name.length()) b.append("...");
        return b.append('"').toString();
    }
}
