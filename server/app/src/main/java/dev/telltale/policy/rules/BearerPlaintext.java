package dev.telltale.policy.rules;

import dev.telltale.policy.Category;
import dev.telltale.policy.Firing;
import dev.telltale.policy.Observation;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.RuleParams;
import dev.telltale.policy.Severity;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;

import java.util.EnumSet;
import java.util.List;

/** A bearer token received on a connection without TLS ({@code tls=false}; unknown does not match). */
final class BearerPlaintext implements Rule {
    static final String ID = "secrets.bearer-plaintext";

    private static final RuleInfo INFO = new RuleInfo(ID, "Bearer token over plaintext HTTP", Category.SECRETS,
            Severity.P2, List.of(),
            "A bearer token is a password that anyone holding it can replay. Sent over plain HTTP it can be read "
                    + "by anything on the path: proxies, other tenants of the network, packet captures, sidecars.",
            "Serve the endpoint over HTTPS only (terminate TLS in the application or a proxy next to it and keep "
                    + "the hop to the application on loopback or a mutually authenticated mesh), and revoke tokens "
                    + "that crossed the network in clear.",
            EnumSet.of(EventType.BEARER_TOKEN), true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        Msg b = o.event().body();
        if (Fields.bool(b, "tls").orElse(true)) {
            return;
        }
        long port = Fields.num(b, "lport", 0);
        String path = Text.withoutQuery(Fields.str(b, "uri"));
        String masked = Fields.str(b, "token_masked");
        String exe = o.process().exe.isEmpty() ? "pid " + o.event().pid() : o.process().exe;
        StringBuilder s = new StringBuilder(exe).append(" received a bearer token over plain HTTP on port ").append(port);
        if (!path.isEmpty()) {
            s.append(", request ").append(path);
        }
        if (masked.contains("…") && masked.length() <= 64) {
            s.append(" (token ").append(masked).append(")");
        }
        // One alert per listening port: the plaintext endpoint is the problem, and keying by request
        // path would raise an alert per URL of a REST API (/orders/1, /orders/2, ...).
        Text.fire(out, String.valueOf(port), s.toString());
    }
}
