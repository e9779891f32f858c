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
 * A service listening on the wildcard address (0.0.0.0 or ::). TCP is judged at listen (a
 * bind alone may be a client choosing its source address; bind + listen count once), UDP at
 * bind. Port 0 (an ephemeral port chosen by the kernel at bind) is not reported.
 */
final class ListenAllInterfaces implements Rule {
    static final String ID = "network.listen-all-interfaces";

    private static final RuleInfo INFO = new RuleInfo(ID, "Listens on all interfaces", Category.NETWORK, Severity.P4,
            List.of(ParamSpec.ports("allowed-ports", List.of(80, 443),
                    "Ports that are meant to be reachable on every interface.")),
            "A socket bound to 0.0.0.0 or :: accepts connections from every network the host is attached to, "
                    + "including ones the service was never meant to face (a management LAN, a VPN, the public "
                    + "side of a cloud VM). Admin ports, debuggers and databases exposed this way are a common "
                    + "entry point.",
            "Bind to the address that needs it (127.0.0.1 for local clients, the service network's address "
                    + "otherwise), and put firewall rules or network policies in front of ports that must listen "
                    + "widely; in containers, publish only the ports you intend to.",
            EnumSet.of(EventType.NETWORK), true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        if (!o.op().equals("listen") && !o.op().equals("bind")) {
            return; // most network events are connects: judged without decoding them
        }
        Msg b = o.event().body();
        String op = Fields.str(b, "op");
        String transport = Fields.str(b, "transport");
        boolean listening = op.equals("listen") || (op.equals("bind") && transport.equals("udp"));
        if (!listening || !FileOps.succeeded(b) || !Net.inet(Fields.str(b, "family"))) {
            return;
        }
        String laddr = Fields.str(b, "laddr");
        long port = Fields.num(b, "lport", 0);
        if (!Net.any(laddr) || port <= 0 || port > 65535 || params.ports("allowed-ports").contains((int) port)) {
            return;
        }
        String exe = o.process().exe.isEmpty() ? "pid " + o.event().pid() : o.process().exe;
        Text.fire(out, String.valueOf(port), exe + " listens on " + Net.hostPort(laddr, port)
                + (transport.isEmpty() ? "" : " (" + transport + ")") + ", every interface of the host");
    }
}
