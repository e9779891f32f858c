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

/** A web application serving plain HTTP (webapp event with {@code tls=false}; unknown does not match). */
final class WebappWithoutTls implements Rule {
    static final String ID = "network.webapp-without-tls";

    private static final RuleInfo INFO = new RuleInfo(ID, "Web application without TLS", Category.NETWORK,
            Severity.P3,
            List.of(ParamSpec.ports("allowed-ports", List.of(),
                    "Ports where plain HTTP is intended (e.g. behind a TLS-terminating sidecar).")),
            "Without TLS, requests and responses — credentials, session cookies, personal data — can be read "
                    + "and changed by anyone on the network path, and clients cannot tell the real service from "
                    + "an impostor.",
            "Serve HTTPS (TLS 1.2+) in the application or terminate TLS in a proxy on the same host or pod and "
                    + "listen on loopback only; then allow that port in the policy.",
            EnumSet.of(EventType.WEBAPP), false);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        Msg b = o.event().body();
        long port = Fields.num(b, "lport", -1);
        if (Fields.bool(b, "tls").orElse(true) || port < 0 || port > 65535
                || params.ports("allowed-ports").contains((int) port)) {
            return;
        }
        String exe = o.process().exe.isEmpty() ? "pid " + o.event().pid() : o.process().exe;
        String protocol = Fields.str(b, "protocol");
        Text.fire(out, String.valueOf(port), exe + " serves " + (protocol.isEmpty() ? "HTTP" : protocol)
                + " without TLS on port " + port);
    }
}
