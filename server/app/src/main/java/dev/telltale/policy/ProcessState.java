package dev.telltale.policy;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.Msg;

import java.util.List;

/**
 * What the engine remembers about one observed process (one agent's pid) while it lives:
 * identity, executable, container, whether it faces the network, and one mark bit per rule
 * for rules that report once per process. The engine updates it with {@link #apply} after
 * the rules have seen an event, so a rule sees the state from before the event it examines.
 *
 * <p>Fields are public for the engine's snapshot codec and for rules; rules only read them
 * and use {@link Observation#markOnce()}.
 */
public final class ProcessState {
    public static final long UNKNOWN = -1;

    public final long agentId;
    public final long pid;
    public long ppid = UNKNOWN;
    /** The executable, "" until the process_start (or an exec) names it. */
    public String exe = "";
    public long uid = UNKNOWN;
    public long euid = UNKNOWN;
    public long gid = UNKNOWN;
    public long egid = UNKNOWN;
    /** The effective uid the process started with. */
    public long startEuid = UNKNOWN;
    /** Container runtime named by process_start ("" outside containers). */
    public String containerRuntime = "";
    /**
     * Bound, listened or accepted on an IPv4/IPv6 socket (or one of unnamed family). Unix,
     * netlink and packet sockets do not count: a tmux server or `ip addr` is no network service.
     */
    public boolean networkFacing;
    /** Event time of the first successful bind/listen/accept, {@link #UNKNOWN} before. */
    public long firstBindUs = UNKNOWN;
    /** "addr:port" of the first bind or listen. */
    public String boundAddress = "";
    /** The effective uid was 0 at the first bind/listen/accept. */
    public boolean boundAsRoot;
    /** The first name of the last DNS lookup ("" before any), for rules that judge hosts. */
    public String lastDnsFqdn = "";
    /** The addresses that lookup returned, space-separated with a space at both ends. */
    public String lastDnsResolved = "";
    /** The effective uid went from 0 to another uid. */
    public boolean droppedRoot;
    /** Event time of the last event seen. */
    public long lastSeenUs;
    /** One bit per rule index: the rule already reported for this process. */
    public long marks;

    public ProcessState(long agentId, long pid) {
        this.agentId = agentId;
        this.pid = pid;
    }

    /** True while the effective uid is known to be 0. */
    public boolean root() {
        return euid == 0;
    }

    /** Folds an event into the state. Never throws on odd values: agents are untrusted. */
    public void apply(Event e, long timeUs) {
        lastSeenUs = Math.max(lastSeenUs, timeUs);
        Msg b = e.body();
        switch (e.type()) {
            case PROCESS_START -> start(b);
            case IDENTITY -> identity(b);
            case NETWORK -> network(b, timeUs);
            case PROCESS -> {
                if (b.string("op").orElse("").startsWith("exec") && result(b) >= 0) {
                    b.string("path").ifPresent(p -> exe = p);
                }
            }
            default -> {
            }
        }
    }

    private void start(Msg b) {
        exe = b.string("exe").orElse(exe);
        ppid = b.number("ppid").orElse(ppid);
        uid = b.number("uid").orElse(uid);
        gid = b.number("gid").orElse(gid);
        euid = b.number("euid").orElse(uid);
        egid = b.number("egid").orElse(gid);
        startEuid = euid;
        containerRuntime = b.string("container_runtime").orElse("");
    }

    private void identity(Msg b) {
        if (result(b) != 0) {
            return;
        }
        List<Long> to = b.list("to_id");
        String op = b.string("op").orElse("");
        long before = euid;
        switch (op) {
            case "setuid" -> {
                if (to.size() == 1) {
                    if (euid == 0) {
                        uid = to.get(0);
                    }
                    euid = to.get(0);
                }
            }
            case "seteuid" -> {
                if (to.size() == 1) {
                    euid = to.get(0);
                }
            }
            case "setreuid", "setresuid" -> {
                if (to.size() >= 2) {
                    uid = to.get(0);
                    euid = to.get(1);
                }
            }
            case "setgid" -> {
                if (to.size() == 1) {
                    egid = to.get(0);
                }
            }
            case "setregid", "setresgid" -> {
                if (to.size() >= 2) {
                    gid = to.get(0);
                    egid = to.get(1);
                }
            }
            default -> {
            }
        }
        if (before == 0 && euid != 0 && euid != UNKNOWN) {
            droppedRoot = true;
        }
    }

    private static final int DNS_KEPT = 2048;

    private void network(Msg b, long timeUs) {
        String op = b.string("op").orElse("");
        if (op.equals("dns")) {
            List<String> names = b.list("fqdn");
            lastDnsFqdn = names.isEmpty() ? "" : clip(names.get(0));
            lastDnsResolved = clip(" " + String.join(" ", b.<String>list("resolved")) + " ");
            return;
        }
        String family = b.string("family").orElse("");
        boolean inet = family.isEmpty() || family.equals("inet") || family.equals("inet6");
        if ((op.equals("bind") || op.equals("listen") || op.startsWith("accept")) && result(b) >= 0 && inet) {
            if (!networkFacing) {
                firstBindUs = timeUs;
                boundAsRoot = euid == 0;
            }
            networkFacing = true;
            if (boundAddress.isEmpty() && !op.startsWith("accept")) {
                boundAddress = b.string("laddr").orElse("") + ":" + b.number("lport").orElse(0L);
            }
        }
    }

    private static String clip(String s) {
        return s.length() <= DNS_KEPT ? s : s.substring(0, DNS_KEPT);
    }

    private static long result(Msg b) {
        return b.number("result").orElse(0L);
    }
}
