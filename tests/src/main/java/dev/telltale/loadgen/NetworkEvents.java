package dev.telltale.loadgen;

import dev.telltale.protocol.event.Msg;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Bodies of network events as a pod sees them: DNS lookups that walk the cluster search
 * domains before the absolute name, non-blocking connects to the service's peers, accepts of
 * clients on the HTTP port, and the listening binds at start.
 */
final class NetworkEvents {
    private final Random r;

    NetworkEvents(Random r) {
        this.r = r;
    }

    String randomOp() {
        int x = r.nextInt(100);
        return x < 55 ? "connect" : x < 80 ? "dns" : x < 97 ? "accept" : "bind";
    }

    long ephemeral() {
        return 32768 + r.nextInt(28232);
    }

    String clientIp() {
        return "10.244." + r.nextInt(4) + "." + (2 + r.nextInt(250));
    }

    Workload.Peer peer() {
        return Workload.PEERS.get(r.nextInt(Workload.PEERS.size() - 1));
    }

    void describe(String op, ProcessModel p, String podIp, Msg b) {
        Workload.Peer peer = peer();
        long fd = 20 + r.nextInt(300);
        b.set("op", op);
        switch (op) {
            case "dns" -> {
                Workload.Peer dns = Workload.PEERS.get(Workload.PEERS.size() - 1);
                b.set("family", "AF_INET").set("transport", "udp").set("laddr", podIp).set("lport", ephemeral())
                        .set("raddr", dns.addresses().get(0)).set("rport", (long) dns.port())
                        .set("fqdn", searchList(peer.fqdn(), p.namespace())).set("resolved", peer.addresses())
                        .set("result", 0L);
            }
            case "bind" -> b.set("family", "AF_INET6").set("transport", "tcp").set("laddr", "::")
                    .set("lport", (long) (r.nextBoolean() ? p.httpPort() : p.httpPort() + 1)).set("fd", fd).set("result", 0L);
            case "accept" -> b.set("family", "AF_INET6").set("transport", "tcp").set("laddr", "::ffff:" + podIp)
                    .set("lport", (long) p.httpPort()).set("raddr", "::ffff:" + clientIp()).set("rport", ephemeral())
                    .set("fd", fd).set("result", fd);
            default -> {
                String addr = peer.addresses().get(r.nextInt(peer.addresses().size()));
                boolean v6 = addr.contains(":");
                b.set("family", v6 ? "AF_INET6" : "AF_INET").set("transport", peer.transport())
                        .set("laddr", podIp).set("lport", ephemeral()).set("raddr", addr).set("rport", (long) peer.port())
                        .set("fd", fd);
                // Non-blocking sockets (NIO, Netty) report EINPROGRESS; the connect completes later.
                if (r.nextInt(3) == 0) {
                    b.set("result", 0L);
                } else {
                    b.set("result", -1L).set("errno", 115L);
                }
            }
        }
    }

    /** With ndots:5, resolvers try the pod's search domains before an external name itself. */
    static List<String> searchList(String fqdn, String namespace) {
        List<String> out = new ArrayList<>();
        if (!fqdn.endsWith(".cluster.local")) {
            out.add(fqdn + "." + namespace + ".svc.cluster.local");
            out.add(fqdn + ".svc.cluster.local");
            out.add(fqdn + ".cluster.local");
            out.add(fqdn + ".eu-west-1.compute.internal");
        }
        out.add(fqdn);
        return out;
    }
}
