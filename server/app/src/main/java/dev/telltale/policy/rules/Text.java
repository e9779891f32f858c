package dev.telltale.policy.rules;

import dev.telltale.policy.Finding;
import dev.telltale.policy.Firing;
import dev.telltale.secrets.SecretHasher;
import dev.telltale.secrets.SecretPatterns;

import java.util.List;
import java.util.Locale;

/** Keys and summaries as findings need them: one line, clipped, secrets masked. */
final class Text {
    private static final int ARGS_SHOWN = 200;
    /** Options whose next argument is a secret (curl -u user:password, --token VALUE). */
    private static final java.util.Set<String> MASK_NEXT = java.util.Set.of("--password", "--passwd", "--pass",
            "--token", "--secret", "--api-key", "-u", "--user", "--oauth2-bearer");

    private Text() {
    }

    /** Reports with the key and summary made single-line and clipped to the finding limits. */
    static void fire(Firing out, String key, String summary) {
        out.fire(clip(oneLine(key), Finding.KEY_MAX), clip(oneLine(summary), Finding.SUMMARY_MAX));
    }

    /** At most {@code max} chars, never splitting a surrogate pair; "…" marks a cut. */
    static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }

    static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString();
    }

    /** The last path element ("sh" for "/bin/sh"); the whole string when it has no slash. */
    static String basename(String path) {
        String p = path;
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        int i = p.lastIndexOf('/');
        return i >= 0 ? p.substring(i + 1) : p;
    }

    /** A URI without its query string or fragment, which may carry tokens. */
    static String withoutQuery(String uri) {
        int q = uri.indexOf('?');
        int h = uri.indexOf('#');
        int end = q < 0 ? h : h < 0 ? q : Math.min(q, h);
        return end < 0 ? uri : uri.substring(0, end);
    }

    /** What a program is called for matching name lists: busybox applets by their applet name. */
    static String program(String path, List<String> argv) {
        String base = basename(path);
        if (base.startsWith("busybox") && !argv.isEmpty()) {
            String a0 = basename(argv.get(0));
            if (!a0.startsWith("busybox")) {
                return a0;
            }
            return argv.size() > 1 ? basename(argv.get(1)) : base;
        }
        return base;
    }

    /**
     * Whether {@code name} is in {@code names}, also when it carries a version suffix
     * ("python3.11", "pip3") that the list leaves out.
     */
    static boolean named(String name, List<String> names) {
        if (name.isEmpty()) {
            return false;
        }
        String bare = name.replaceAll("[0-9.]+$", "");
        for (String n : names) {
            if (n.equals(name) || (!bare.isEmpty() && n.equals(bare))) {
                return true;
            }
        }
        return false;
    }

    /** A command line for a summary: secret-looking arguments and header values masked. */
    static String command(List<String> argv) {
        StringBuilder b = new StringBuilder();
        boolean maskNext = false;
        for (String a : argv) {
            if (b.length() > ARGS_SHOWN) {
                b.append(" …");
                break;
            }
            String shown = a;
            String lower = a.toLowerCase(Locale.ROOT);
            var secret = SecretPatterns.secretArgument(a);
            if (maskNext || lower.startsWith("authorization:") || lower.startsWith("cookie:")) {
                int colon = a.indexOf(':');
                shown = colon > 0 && !maskNext ? a.substring(0, colon + 1) + " " + SecretHasher.mask(a.substring(colon + 1).trim())
                        : SecretHasher.mask(a);
            } else if (secret.isPresent()) {
                shown = secret.get()[0] + SecretHasher.mask(secret.get()[1]);
            }
            maskNext = MASK_NEXT.contains(lower);
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(shown);
        }
        return clip(b.toString(), ARGS_SHOWN + 2);
    }

    static String octal(long mode) {
        return String.format("%04o", mode & 07777);
    }
}
