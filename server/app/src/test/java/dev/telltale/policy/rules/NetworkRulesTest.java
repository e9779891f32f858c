package dev.telltale.policy.rules;

import dev.telltale.protocol.event.EventType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkRulesTest {
    private static final String LISTEN = "network.listen-all-interfaces";
    private static final String OUT = "network.disallowed-outbound";
    private static final String DNS = "network.dns-listed-domain";
    private static final String WEB = "network.webapp-without-tls";

    private static List<String> keys(List<Harness.Fired> f) {
        return f.stream().map(Harness.Fired::key).toList();
    }

    private static int port(String scenario, String op) {
        return Fixtures.load(scenario).stream()
                .filter(r -> r.event().type() == EventType.NETWORK && Fields.str(r.event().body(), "op").equals(op))
                .mapToInt(r -> (int) Fields.num(r.event().body(), "lport", -1)).findFirst().orElseThrow();
    }

    @Test
    void listeningOnTheWildcardAddressIsReportedOncePerPort() {
        // python3 socket server and python3 -m http.server, both on 0.0.0.0: bind + listen count once.
        int port = port("shell-from-network", "listen");
        var f = Harness.fired(LISTEN, "shell-from-network");
        assertEquals(List.of(String.valueOf(port)), keys(f));
        assertEquals("/usr/bin/python3.11 listens on 0.0.0.0:" + port + " (tcp), every interface of the host", f.get(0).summary());
        assertEquals(1, Harness.fired(LISTEN, "bearer-plain").size());
    }

    @Test
    void loopbackServersAndAllowedPortsAreNotReported() {
        assertEquals(List.of(), Harness.fired(LISTEN, "server-drops-root", "server-nonroot", "outbound"));
        int port = port("shell-from-network", "listen");
        var h = new Harness().with(LISTEN, Map.of("allowed-ports", List.of(port))).run(Fixtures.load("shell-from-network"));
        assertEquals(List.of(), h.fired(LISTEN));
    }

    @Test
    void udpIsJudgedAtBindAndTcpOnlyAtListen() {
        // Hand-built: no UDP server among the recorded programs.
        var events = List.of(
                Events.ev(EventType.NETWORK, 20, 1, "op", "bind", "family", "inet6", "laddr", "::", "lport", 5353, "transport", "udp", "result", 0),
                Events.ev(EventType.NETWORK, 20, 2, "op", "bind", "family", "inet", "laddr", "0.0.0.0", "lport", 7000, "transport", "tcp", "result", 0),
                Events.ev(EventType.NETWORK, 20, 3, "op", "bind", "family", "inet", "laddr", "0.0.0.0", "lport", 0, "transport", "udp", "result", 0));
        assertEquals(List.of("5353"), keys(new Harness().run(events).fired(LISTEN)));
    }

    @Test
    void connectsToPortsOutsideTheAllowedListAreReported() {
        // python3 connects to 192.0.2.10:4444, 192.0.2.10:443 and 127.0.0.1:6667; all fail, the attempts count.
        var f = Harness.fired(OUT, "outbound");
        assertEquals(List.of("192.0.2.10:4444"), keys(f));
        assertEquals("/usr/bin/python3.11 connected to 192.0.2.10:4444 (tcp): port 4444 is not in allowed-ports",
                f.get(0).summary());
    }

    @Test
    void outboundParameters() {
        var loop = new Harness().with(OUT, Map.of("include-loopback", true)).run(Fixtures.load("outbound"));
        assertEquals(List.of("192.0.2.10:4444", "127.0.0.1:6667"), keys(loop.fired(OUT)));
        var allowed = new Harness().with(OUT, Map.of("allowed-ports", List.of(443, 4444))).run(Fixtures.load("outbound"));
        assertEquals(List.of(), allowed.fired(OUT));
        var denied = new Harness().with(OUT, Map.of("denied-hosts", List.of("192.0.2.*"))).run(Fixtures.load("outbound"));
        assertEquals(List.of("192.0.2.10", "192.0.2.10"), keys(denied.fired(OUT)));
    }

    @Test
    void deniedHostNamesMatchTheLookupThatReturnedTheAddress() {
        // Hand-built: this machine resolves no external names.
        var events = List.of(
                Events.ev(EventType.NETWORK, 21, 1, "op", "dns", "fqdn", List.of("api.evil.example.net"),
                        "resolved", List.of("203.0.113.5", "2001:db8::5"), "result", 0),
                Events.ev(EventType.NETWORK, 21, 2, "op", "connect", "family", "inet", "raddr", "203.0.113.5", "rport", 443, "result", 0),
                Events.ev(EventType.NETWORK, 21, 3, "op", "connect", "family", "inet", "raddr", "198.51.100.7", "rport", 443, "result", 0),
                Events.ev(EventType.NETWORK, 21, 4, "op", "connect", "family", "unix", "raddr", "/run/x.sock", "result", 0));
        var h = new Harness().with(OUT, Map.of("denied-hosts", List.of("*.example.net"))).run(events);
        assertEquals(List.of("api.evil.example.net"), keys(h.fired(OUT)));
        assertTrue(h.fired(OUT).get(0).summary().contains("203.0.113.5:443 (api.evil.example.net), a denied host"));
    }

    @Test
    void ordinaryTrafficIsNotOutbound() {
        // curl to 127.0.0.1:9, DNS, http.server and its local client, the socket server.
        assertEquals(List.of(), Harness.fired(OUT, "container-tools", "dns", "bearer-plain", "shell-from-network"));
    }

    @Test
    void lookupsOfListedDomainsAreReportedEvenWhenTheyFail() {
        // python3 getaddrinfo("c2.tt-fixture.ngrok.io") (offline: EAI_NONAME) and getaddrinfo("localhost").
        var f = Harness.fired(DNS, "dns");
        assertEquals(List.of("c2.tt-fixture.ngrok.io"), keys(f));
        assertEquals("/usr/bin/python3.11 looked up c2.tt-fixture.ngrok.io (listed: ngrok.io), not resolved", f.get(0).summary());
        assertEquals(List.of(), Harness.fired(DNS, "bearer-plain", "outbound", "container-tools"));
    }

    @Test
    void theDomainListIsAParameter() {
        assertEquals(List.of(), new Harness().with(DNS, Map.of("domains", List.of())).run(Fixtures.load("dns")).fired(DNS));
        var local = new Harness().with(DNS, Map.of("domains", List.of("*.localhost", "LOCALHOST."))).run(Fixtures.load("dns"));
        assertEquals(List.of("localhost"), keys(local.fired(DNS)));
        // whole labels only: notngrok.io is not ngrok.io
        var e = List.of(Events.ev(EventType.NETWORK, 22, 1, "op", "dns", "fqdn", List.of("notngrok.io", "x.onion.")));
        assertEquals(List.of("x.onion"), keys(new Harness().run(e).fired(DNS)));
    }

    @Test
    void plainHttpWebAppsAreReportedByPort() {
        int port = port("bearer-plain", "listen");
        var f = Harness.fired(WEB, "bearer-plain");
        assertEquals(List.of(String.valueOf(port)), keys(f));
        assertEquals("/usr/bin/python3.11 serves HTTP/1.1 without TLS on port " + port, f.get(0).summary());
        var allowed = new Harness().with(WEB, Map.of("allowed-ports", List.of(port))).run(Fixtures.load("bearer-plain"));
        assertEquals(List.of(), allowed.fired(WEB));
        // A TLS server is never registered by the interceptor (it sniffs request lines): hand-built.
        var tls = List.of(Events.ev(EventType.WEBAPP, 23, 1, "protocol", "HTTP/1.1", "lport", 8443, "tls", true));
        assertEquals(List.of(), new Harness().run(tls).fired(WEB));
        assertEquals(List.of(), Harness.fired(WEB, "shell-from-network"));
    }
}
