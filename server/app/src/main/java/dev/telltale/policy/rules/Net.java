package dev.telltale.policy.rules;

import java.util.Locale;

/** Address helpers for network events, whose addresses are text as the interceptor wrote them. */
final class Net {
    private Net() {
    }

    /** IPv4 or IPv6 (or unnamed, for agents that leave the family out): not unix, netlink, … */
    static boolean inet(String family) {
        return family.isEmpty() || family.equals("inet") || family.equals("inet6");
    }

    /** The wildcard address: every interface. */
    static boolean any(String addr) {
        String a = addr.toLowerCase(Locale.ROOT);
        return a.equals("0.0.0.0") || a.equals("::") || a.equals("0:0:0:0:0:0:0:0") || a.equals("::ffff:0.0.0.0")
                || a.equals("*");
    }

    /** Loopback, or the wildcard address (connecting to it reaches this host). */
    static boolean loopback(String addr) {
        String a = addr.toLowerCase(Locale.ROOT);
        return a.startsWith("127.") || a.equals("::1") || a.equals("0:0:0:0:0:0:0:1") || a.startsWith("::ffff:127.")
                || a.equals("localhost") || any(a);
    }

    /** "addr:port", with brackets around IPv6 addresses. */
    static String hostPort(String addr, long port) {
        return (addr.indexOf(':') >= 0 ? "[" + addr + "]" : addr) + ":" + port;
    }

    /** A DNS name as compared: lower case, without the root's trailing dot. */
    static String domain(String name) {
        String d = name.trim().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    /**
     * Whether {@code name} is {@code entry} or a subdomain of it. Entries may be written
     * "example.com", ".example.com" or "*.example.com" (all the same), or as a glob.
     */
    static boolean inDomain(String name, String entry) {
        String e = domain(entry);
        if (e.startsWith("*.")) {
            e = e.substring(2);
        } else if (e.startsWith(".")) {
            e = e.substring(1);
        }
        if (e.isEmpty()) {
            return false;
        }
        if (PathMatch.hasWildcard(e)) {
            return PathMatch.glob(e).matcher(name).matches();
        }
        return name.equals(e) || name.endsWith("." + e);
    }
}
