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
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|"
                    + "AUTHORIZATION|SESSION_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|CONNECTION_?STRING|DATABASE_URL|DSN|_PWD|PGPASS).*");
    private static final Set<String> NOT_SECRETS = Set.of("PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO");
    private static final List<Pattern> SECRET_VALUES = List.of(
            Pattern.compile("(?:AKIA|ASIA)[A-Z0-9]{16}"),
            Pattern.compile("gh[pousr]_[A-Za-z0-9]{36,}"),
            Pattern.compile("github_pat_[A-Za-z0-9_]{40,}"),
            Pattern.compile("xox[abprs]-[A-Za-z0-9-]{10,}"),
            Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"),
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            Pattern.compile("AIza[0-9A-Za-z_-]{35}"),
            Pattern.compile("(?:sk|rk)_live_[0-9a-zA-Z]{20,}"),
            Pattern.compile("glpat-[0-9A-Za-z_-]{20}"),
            Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@"));
    private static final Pattern SECRET_ARG = Pattern.compile(
            "(?i)^(--?[a-z0-9_-]*(?:password|passwd|secret|token|api-?key|access-?key)[a-z0-9_-]*=)(.+)$");

    private SecretPatterns() {
    }

    /** Whether an environment variable holds a secret, judged by its name or its value. */
    public static boolean isSecretEnv(String name, String value) {
        if (value.isEmpty() || NOT_SECRETS.contains(name)) {
            return false;
        }
        return SECRET_NAME.matcher(name).matches() || looksLikeSecret(value);
    }

    public static boolean looksLikeSecret(String value) {
        for (Pattern p : SECRET_VALUES) {
            if (p.matcher(value).find()) {
                return true;
            }
        }
        return false;
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
