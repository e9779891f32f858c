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

import java.util.EnumSet;
import java.util.List;

/**
 * Opens, in any mode, of credential files: successful ones and those refused by permissions
 * (EACCES/EPERM: someone tried). Opens of files that do not exist are not reported — SDKs probe
 * for credential files that are not there.
 */
final class CredentialRead implements Rule {
    static final String ID = "files.credential-read";
    static final List<String> CREDENTIALS = List.of("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-",
            "/etc/security/opasswd", "/etc/ssh/ssh_host_*_key", "/root/.ssh/id_*", "/home/*/.ssh/id_*",
            "**/.aws/credentials", "**/.config/gcloud/**", "**/.azure/**", "**/.kube/config",
            "**/.docker/config.json", "**/.netrc", "**/.pgpass", "**/.git-credentials", "**/.vault-token",
            "**/.gnupg/private-keys-v1.d/**");

    private static final RuleInfo INFO = new RuleInfo(ID, "Reads of credential files", Category.FILES, Severity.P2,
            List.of(ParamSpec.strings("credential-paths", CREDENTIALS,
                    "Paths or globs of files that hold credentials (** crosses directories).")),
            "Password hashes, SSH private keys and cloud, registry or database credential files give access "
                    + "to other systems. A service reading them outside its documented needs is a classic sign of "
                    + "credential theft after a compromise.",
            "If the read is expected (an SDK using its credential file), give the service its own narrowly "
                    + "scoped credentials through a secret mount or workload identity instead of a user's files, "
                    + "and tune the parameter. Otherwise investigate the process and rotate what it read.",
            EnumSet.of(EventType.FILE), true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        if (!FileOps.open(o.op())) {
            return;
        }
        Msg b = o.event().body();
        boolean ok = FileOps.succeeded(b);
        long errno = Fields.num(b, "errno", 0);
        if (!ok && errno != FileOps.EACCES && errno != FileOps.EPERM) {
            return;
        }
        String path = PathMatch.normalize(Fields.str(b, "path"));
        if (!path.startsWith("/") || !PathMatch.matchesAny(path, params.strings("credential-paths"))) {
            return;
        }
        String exe = o.process().exe.isEmpty() ? "pid " + o.event().pid() : o.process().exe;
        String how = !ok ? " tried to open " : FileOps.writeOpen(b) ? " opened for writing " : " read ";
        Text.fire(out, path, exe + how + path + FileOps.flagsText(b) + (ok ? "" : ": permission denied"));
    }
}
