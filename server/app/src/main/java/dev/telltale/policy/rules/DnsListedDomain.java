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
 * DNS lookups (getaddrinfo, gethostbyname*) of a name in a listed domain, whether or not it
 * resolved: the attempt is the signal. Suffix match on whole labels; the asked name and any
 * canonical name or alias the answer carried are all judged, and one finding is made per lookup.
 */
final class DnsListedDomain implements Rule {
    static final String ID = "network.dns-listed-domain";
    static final List<String> DOMAINS = List.of(
            // tunnels that expose a local port to the internet
            "ngrok.io", "ngrok.app", "ngrok-free.app", "serveo.net", "localtunnel.me", "loca.lt", "localhost.run",
            "trycloudflare.com", "pagekite.me",
            // paste and file drops used for payloads and exfiltration
            "pastebin.com", "paste.ee", "hastebin.com", "transfer.sh", "file.io", "anonfiles.com",
            // out-of-band interaction and request catchers
            "burpcollaborator.net", "oastify.com", "interact.sh", "oast.fun", "oast.pro", "dnslog.cn",
            "requestbin.net", "webhook.site", "canarytokens.com",
            // dynamic DNS
            "duckdns.org", "no-ip.org", "ddns.net", "hopto.org", "dynu.net",
            // Tor
            "onion",
            // mining pools
            "minexmr.com", "supportxmr.com", "nanopool.org", "moneroocean.stream", "hashvault.pro", "c3pool.com",
            "2miners.com", "f2pool.com", "minergate.com", "xmrpool.eu", "herominers.com");

    private static final RuleInfo INFO = new RuleInfo(ID, "DNS lookup of a listed domain", Category.NETWORK,
            Severity.P2,
            List.of(ParamSpec.strings("domains", DOMAINS,
                    "Domains whose names (and all subdomains) are reported; \"*.example.com\" and \"example.com\" "
                            + "mean the same, other globs match the whole name.")),
            "Tunnelling services, paste sites, out-of-band testing domains, dynamic DNS, Tor and mining pools "
                    + "are how malware phones home, stages payloads and exfiltrates data, and how injection "
                    + "attacks are confirmed. Production services rarely need them.",
            "Find what made the lookup (the evidence event's stack and process), block the domains at the DNS "
                    + "resolver or egress proxy, and remove the domain from the list only if a service really "
                    + "depends on it.",
            EnumSet.of(EventType.NETWORK), true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        if (!o.op().equals("dns")) {
            return;
        }
        Msg b = o.event().body();
        List<String> domains = params.strings("domains");
        for (String asked : Fields.strings(b, "fqdn")) {
            String name = Net.domain(asked);
            for (String d : domains) {
                if (!name.isEmpty() && Net.inDomain(name, d)) {
                    List<String> resolved = Fields.strings(b, "resolved");
                    String exe = o.process().exe.isEmpty() ? "pid " + o.event().pid() : o.process().exe;
                    Text.fire(out, name, exe + " looked up " + name + " (listed: " + d + "), "
                            + (resolved.isEmpty() ? "not resolved" : "resolved to " + String.join(" ", resolved)));
                    return;
                }
            }
        }
    }
}
