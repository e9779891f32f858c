package dev.telltale.policy.rules;

import dev.telltale.policy.Category;
import dev.telltale.policy.Firing;
import dev.telltale.policy.Observation;
import dev.telltale.policy.ParamSpec;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.RuleParams;
import dev.telltale.policy.Severity;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;
import dev.telltale.secrets.SecretHasher;
import dev.telltale.secrets.SecretPatterns;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Secrets in a process's environment at start: variables the ingest sanitizer masked
 * ({@code env.masked}: the agent's masking, or {@link SecretPatterns} recognising the name or the
 * value at ingest; every stored event passed it). One finding
 * per variable, keyed by its name; the summary shows the masked form, never the value.
 */
final class EnvSecrets implements Rule {
    static final String ID = "secrets.environment";

    private static final RuleInfo INFO = new RuleInfo(ID, "Secrets in the process environment", Category.SECRETS,
            Severity.P2,
            List.of(ParamSpec.strings("ignore-names", List.of("*_FILE", "*_PATH", "*_DIR", "TOKENIZERS_PARALLELISM",
                            "PASSWORD_STORE_*"),
                    "Variable names (globs, case-insensitive) never reported: names that hold a path to a secret "
                            + "or that only look like secrets.")),
            "Environment variables leak: they are inherited by every child process, readable in "
                    + "/proc/<pid>/environ by the same user, printed in crash reports and debug pages, and baked "
                    + "into images and CI logs. Cloud keys, passwords and tokens there outlive their intended use.",
            "Read secrets from a secret store or a file mounted with tight permissions (Kubernetes/Docker "
                    + "secrets, Vault, cloud secret managers) and pass the file path instead (e.g. DB_PASSWORD_FILE); "
                    + "rotate any secret that was exposed this way.",
            EnumSet.of(EventType.PROCESS_START), true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        Msg b = o.event().body();
        String exe = Fields.str(b, "exe");
        List<String> ignore = params.strings("ignore-names");
        for (Msg var : Fields.messages(b, "env")) {
            // Stored events passed the ingest sanitizer, which masks every value SecretPatterns
            // recognises (and keeps what the agent masked): the flag is the verdict, no need to
            // run the patterns over every variable of every process again. Few variables are
            // masked, so the flag is read before the name is matched against the ignored ones.
            if (!Fields.bool(var, "env.masked").orElse(false)) {
                continue;
            }
            String name = Fields.str(var, "env.name");
            if (name.isEmpty() || ignored(name, ignore)) {
                continue;
            }
            String value = Fields.str(var, "env.value");
            Text.fire(out, name, name + "=" + shown(value) + " in the environment of " + (exe.isEmpty() ? "a process" : exe));
        }
    }

    /** The sanitizer's masked form when the value is one, else a fresh mask: never the value. */
    private static String shown(String value) {
        if (value.isEmpty()) {
            return "(value not recorded)";
        }
        boolean maskedForm = value.length() <= 64 && value.contains("…") && !SecretPatterns.looksLikeSecret(value)
                && value.endsWith(" chars)");
        return maskedForm ? value : SecretHasher.mask(value);
    }

    private static boolean ignored(String name, List<String> patterns) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (String p : patterns) {
            String pu = p.toUpperCase(Locale.ROOT);
            if (pu.equals(upper) || (PathMatch.hasWildcard(pu) && PathMatch.glob(pu).matcher(upper).matches())) {
                return true;
            }
        }
        return false;
    }
}
