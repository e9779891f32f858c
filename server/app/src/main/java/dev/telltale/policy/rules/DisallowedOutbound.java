package dev.telltale.policy.rules;

import dev.telltale.policy.Category;
import dev.telltale.policy.Firing;
import dev.telltale.policy.Observation;
import dev.telltale.policy.ParamSpec;
import dev.telltale.policy.ProcessState;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.RuleParams;
import dev.telltale.policy.Severity;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;

import java.util.EnumSet;
import java.util.List;

/**
 * Outbound connects (attempts count, refused or not) to a host in {@code denied-hosts} —
 * matched on the address or on the name of the process's last DNS lookup that returned it —
 * or to a port outside {@code allowed-ports}. Unix sockets never count; loopback only with
 * {@code include-loopback}.
 */
final class DisallowedOutbound implements Rule {
    static final String ID = "network.disallowed-outbound";

    private static final RuleInfo INFO = new RuleInfo(ID, "Outbound connection to a disallowed port or host",
            Category.NETWORK, Severity.P3,
            List.of(ParamSpec.ports("allowed-ports", List.of(53, 80, 123, 443, 853),
                            "Remote ports the application may connect to."),
                    ParamSpec.strings("denied-hosts", List.of(),
                            "Addresses or host names (globs, e.g. *.example.net or 203.0.113.*) never to connect to, "
                                    + "whatever the port."),
                    ParamSpec.bool("include-loopback", false, "Also judge connections to this host (127.0.0.0/8, ::1).")),
            "Command-and-control channels, reverse shells, crypto miners and data exfiltration all need outbound "
                    + "connections, often to unusual ports. Knowing which remote ports a service uses lets "
                    + "anything else stand out.",
            "List the ports and hosts the service needs in the policy, and enforce the same list with egress "
                    + "firewall rules or Kubernetes NetworkPolicies so that unexpected connections fail.",
            EnumSet.of(EventType.NETWORK), false);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        Msg b = o.event().body();
        if (!Fields.str(b, "op").equals("connect") || !Net.inet(Fields.str(b, "family"))) {
            return;
        }
        String raddr = Fields.str(b, "raddr");
        long port = Fields.num(b, "rport", -1);
        if (raddr.isEmpty() || raddr.startsWith("/") || port < 0 || port > 65535) {
            return;
        }
        if (Net.loopback(raddr) && !params.bool("include-loopback")) {
            return;
        }
        String exe = o.process().exe.isEmpty() ? "pid " + o.event().pid() : o.process().exe;
        String target = Net.hostPort(raddr, port);
        String host = deniedHost(o.process(), raddr, params.strings("denied-hosts"));
        if (!host.isEmpty()) {
            Text.fire(out, host, exe + " connected to " + target + (host.equals(raddr) ? "" : " (" + host + ")")
                    + ", a denied host");
            return;
        }
        if (port == 0 || params.ports("allowed-ports").contains((int) port)) {
            return;
        }
        String transport = Fields.str(b, "transport");
        Text.fire(out, target, exe + " connected to " + target + (transport.isEmpty() ? "" : " (" + transport + ")")
                + ": port " + port + " is not in allowed-ports");
    }

    /** The address or looked-up name that a denied-hosts entry matches, or "". */
    private static String deniedHost(ProcessState p, String raddr, List<String> denied) {
        if (denied.isEmpty()) {
            return "";
        }
        String name = p.lastDnsResolved.contains(" " + raddr + " ") ? Net.domain(p.lastDnsFqdn) : "";
        for (String d : denied) {
            String e = Net.domain(d);
            if (e.equals(raddr) || (PathMatch.hasWildcard(e) && PathMatch.glob(e).matcher(raddr).matches())) {
                return raddr;
            }
            if (!name.isEmpty() && Net.inDomain(name, e)) {
                return name;
            }
        }
        return "";
    }
}
