package dev.telltale.secrets;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognizes secrets by the name they are stored under (environment variables) or by their
 * shape (cloud keys, tokens, private keys, URLs with passwords).
 */
public final class SecretPatterns {
    /** Name parts, in upper case; a name is a secret's when it contains one (ASCII case folded). */
    static final List<String> SECRET_NAME_PARTS = List.of("PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN",
            "APIKEY", "API_KEY", "ACCESSKEY", "ACCESS_KEY", "PRIVATEKEY", "PRIVATE_KEY", "CREDENTIAL", "AUTHORIZATION",
            "SESSIONKEY", "SESSION_KEY", "SIGNINGKEY", "SIGNING_KEY", "ENCRYPTIONKEY", "ENCRYPTION_KEY",
            "CONNECTIONSTRING", "CONNECTION_STRING", "DATABASE_URL", "DSN", "_PWD", "PGPASS");
    /** The same parts as a pattern over the whole name: the answer when a part is there. */
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(" + String.join("|", SECRET_NAME_PARTS) + ").*");
    private static final Set<String> NOT_SECRETS = Set.of("PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO");

    /**
     * A secret's shape, and literals one of which every match contains: the ingest path checks
     * every environment value of every process start, and looking for a literal (a vectorised
     * search) first spares it ten regular-expression scans of values that hold none.
     */
    record Shape(Pattern pattern, List<String> anchors) {
        boolean in(String value) {
            for (String a : anchors) {
                if (value.contains(a)) {
                    return pattern.matcher(value).find();
                }
            }
            return false;
        }
    }

    static final List<Shape> SECRET_VALUES = List.of(
            new Shape(Pattern.compile("(?:AKIA|ASIA)[A-Z0-9]{16}"), List.of("AKIA", "ASIA")),
            new Shape(Pattern.compile("gh[pousr]_[A-Za-z0-9]{36,}"), List.of("gh")),
            new Shape(Pattern.compile("github_pat_[A-Za-z0-9_]{40,}"), List.of("github_pat_")),
            new Shape(Pattern.compile("xox[abprs]-[A-Za-z0-9-]{10,}"), List.of("xox")),
            new Shape(Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"), List.of("eyJ")),
            new Shape(Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"), List.of("-----BEGIN ")),
            new Shape(Pattern.compile("AIza[0-9A-Za-z_-]{35}"), List.of("AIza")),
            new Shape(Pattern.compile("(?:sk|rk)_live_[0-9a-zA-Z]{20,}"), List.of("_live_")),
            new Shape(Pattern.compile("glpat-[0-9A-Za-z_-]{20}"), List.of("glpat-")),
            new Shape(Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@"), List.of("://")));
    private static final Pattern SECRET_ARG = Pattern.compile(
            "(?i)^(--?[a-z0-9_-]*(?:password|passwd|secret|token|api-?key|access-?key)[a-z0-9_-]*=)(.+)$");

    private SecretPatterns() {
    }

    /** Whether an environment variable holds a secret, judged by its name or its value. */
    public static boolean isSecretEnv(String name, String value) {
        if (value.isEmpty() || NOT_SECRETS.contains(name)) {
            return false;
        }
        return secretName(name) || looksLikeSecret(value);
    }

    /** Whether a value has the shape of a known kind of secret. */
    public static boolean looksLikeSecret(String value) {
        for (Shape s : SECRET_VALUES) {
            if (s.in(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the name says it holds a secret: {@link #SECRET_NAME}'s answer. The parts decide
     * most names alone; the pattern still has the last word, because its {@code .} does not
     * cross a line break.
     */
    static boolean secretName(String name) {
        String upper = asciiUpper(name);
        for (String part : SECRET_NAME_PARTS) {
            if (upper.contains(part)) {
                return SECRET_NAME.matcher(name).matches();
            }
        }
        return false;
    }

    /** Upper case for ASCII letters only, as the pattern's {@code (?i)} folds them. */
    private static String asciiUpper(String s) {
        char[] c = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch >= 'a' && ch <= 'z') {
                if (c == null) {
                    c = s.toCharArray();
                }
                c[i] = (char) (ch - ('a' - 'A'));
            }
        }
        return c == null ? s : new String(c);
    }

    /**
     * For a command-line argument of the form {@code --password=value}, the prefix kept in
     * clear and the secret part; empty for any other argument.
     */
    public static Optional<String[]> secretArgument(String arg) {
        Matcher m = SECRET_ARG.matcher(arg);
        if (m.matches()) {
            return Optional.of(new String[]{m.group(1), m.group(2)});
        }
        return looksLikeSecret(arg) ? Optional.of(new String[]{"", arg}) : Optional.empty();
    }
}
