package dev.telltale.certs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.testing.FakeAgent;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.testing.TestPki;
import dev.telltale.testing.TestPki.Issued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real appliance swaps certificates under a streaming agent: the agent's established
 * connection keeps being acknowledged, new connections see the new certificate, agents given
 * the combined CA PEM work throughout, bad uploads are refused with a problem, and a restart
 * keeps the upload.
 */
class CertHotSwapTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Instant now = Instant.now();
    private final Issued root = TestPki.root("Enterprise Root", now);
    private final Issued inter = TestPki.intermediate("Enterprise Issuing CA", root, now);
    private final Issued leaf = TestPki.leaf("localhost", inter, List.of("localhost", "127.0.0.1"),
            now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)));

    @Test
    void bothListenersSwapWhileAnEstablishedAgentKeepsStreaming(@TempDir Path data) throws Exception {
        try (RunningAppliance app = RunningAppliance.start(data, "telltale:\n  public-host: localhost\n"
                + "  certs:\n    transition-days: 0\n")) {
            X509Certificate ownCa = app.appliance().certificates().caCertificate();
            String token = app.runToken(java.util.Optional.empty()).token();
            String bearer = app.apiToken();
            try (AgentConnection agent = app.connect()) {
                agent.hello(RunningAppliance.hello(token, RunningAppliance.newInstance(), dev.telltale.protocol.Compression.ZSTD));
                agent.sendRaw(agent.encoder().frame(1, System.currentTimeMillis() * 1000, List.of(FakeAgent.open("/etc/a", 0))));
                assertEquals(1, agent.awaitAck(1));

                HttpResponse<String> bad = put(app, trusting(ownCa), bearer, upload(TestPki.chain(leaf.cert(), inter.cert(),
                        root.cert()), TestPki.pkcs8(TestPki.rsa(2048))));
                assertEquals(400, bad.statusCode());
                assertEquals("application/problem+json", bad.headers().firstValue("Content-Type").orElse(""));
                assertTrue(JSON.readTree(bad.body()).get("detail").asText().contains("key: the private key does not belong"),
                        bad.body());
                assertEquals(ownCa, peer(trusting(ownCa), app.appliance().httpsPort()).get(1), "nothing changed");

                HttpResponse<String> ok = put(app, trusting(ownCa), bearer, upload(TestPki.chain(leaf.cert(), inter.cert(),
                        root.cert()), TestPki.pkcs8(leaf.keys())));
                assertEquals(200, ok.statusCode(), ok.body());

                // The agent connected before the swap carries on over its established session.
                agent.sendRaw(agent.encoder().frame(2, System.currentTimeMillis() * 1000, List.of(FakeAgent.open("/etc/b", 0))));
                assertEquals(2, agent.awaitAck(2));
            }
            SSLContext enterprise = trusting(root.cert());
            assertEquals(leaf.cert(), peer(enterprise, app.appliance().httpsPort()).getFirst(), "HTTPS presents the upload");
            assertEquals(leaf.cert(), peer(enterprise, app.ingestPort()).getFirst(), "ingest presents the upload");
            assertThrows(SSLHandshakeException.class, () -> peer(trusting(ownCa), app.ingestPort()));

            // Roll back through the API: both listeners are back on the appliance's own certificate.
            HttpResponse<String> back = call(app, enterprise, bearer, "POST", "/api/v1/certificates/server/rollback", "{}");
            assertEquals(200, back.statusCode(), back.body());
            assertEquals(ownCa, peer(trusting(ownCa), app.appliance().httpsPort()).getLast());
            assertEquals(ownCa, peer(trusting(ownCa), app.ingestPort()).getLast());
            HttpResponse<String> again = call(app, trusting(ownCa), bearer, "POST", "/api/v1/certificates/server/rollback", "{}");
            assertEquals(200, again.statusCode(), "the upload was kept as the previous certificate");
        }
        // A restart presents what was chosen last.
        try (RunningAppliance app = RunningAppliance.start(data, "telltale:\n  public-host: localhost\n")) {
            assertEquals(leaf.cert(), peer(trusting(root.cert()), app.appliance().httpsPort()).getFirst());
            assertEquals(leaf.cert(), peer(trusting(root.cert()), app.ingestPort()).getFirst());
        }
    }

    @Test
    void duringACaTransitionAgentsWithTheCombinedPemWorkBeforeAndAfterTheIngestSwap(@TempDir Path data) throws Exception {
        try (RunningAppliance app = RunningAppliance.start(data, "telltale:\n  public-host: localhost\n")) {
            X509Certificate ownCa = app.appliance().certificates().caCertificate();
            String bearer = app.apiToken();
            String token = app.runToken(java.util.Optional.empty()).token();
            assertEquals(200, put(app, trusting(ownCa), bearer, upload(TestPki.chain(leaf.cert(), inter.cert(), root.cert()),
                    TestPki.pkcs8(leaf.keys()))).statusCode());
            SSLContext enterprise = trusting(root.cert());
            assertEquals(leaf.cert(), peer(enterprise, app.appliance().httpsPort()).getFirst());
            assertEquals(ownCa, peer(trusting(ownCa), app.ingestPort()).getLast(), "ingest keeps the old certificate");

            String combined = call(app, enterprise, bearer, "GET", "/api/v1/certificates/ca.pem", null).body();
            List<X509Certificate> cas = parse(combined);
            assertEquals(List.of(root.cert(), ownCa), cas, "new CA first, then the one agents pin today");
            // The team configuration file hands agents both CAs too.
            HttpResponse<String> conf = call(app, enterprise, bearer, "POST", "/api/v1/downloads/config",
                    "{\"team\":\"default\"}");
            assertEquals(201, conf.statusCode());
            String file = JSON.readTree(conf.body()).get("config").asText();
            assertEquals(cas, parse(file.substring(file.indexOf("ca = ") + 5)));
            SSLContext both = trusting(cas.toArray(X509Certificate[]::new));
            streams(both, app, token);
            JsonNode state = JSON.readTree(call(app, enterprise, bearer, "GET", "/api/v1/certificates/server", null).body());
            assertTrue(state.get("transition").has("until"), state.toString());

            assertEquals(200, call(app, enterprise, bearer, "POST", "/api/v1/certificates/transition/end", "{}").statusCode());
            assertEquals(leaf.cert(), peer(both, app.ingestPort()).getFirst(), "ingest swapped");
            streams(both, app, token);
            assertEquals(List.of(root.cert()), parse(call(app, enterprise, bearer, "GET", "/api/v1/certificates/ca.pem", null)
                    .body()));
            assertEquals(409, call(app, enterprise, bearer, "POST", "/api/v1/certificates/transition/end", "{}").statusCode());
        }
    }

    @Test
    void regenerationThroughTheApiPresentsAFreshCertificateFromTheSameCa(@TempDir Path data) throws Exception {
        try (RunningAppliance app = RunningAppliance.start(data, "")) {
            X509Certificate ownCa = app.appliance().certificates().caCertificate();
            X509Certificate before = peer(trusting(ownCa), app.ingestPort()).getFirst();
            HttpResponse<String> r = call(app, trusting(ownCa), app.apiToken(), "POST",
                    "/api/v1/certificates/server/regenerate", "{}");
            assertEquals(200, r.statusCode(), r.body());
            assertNotEquals(before, peer(trusting(ownCa), app.ingestPort()).getFirst());
            assertNotEquals(before, peer(trusting(ownCa), app.appliance().httpsPort()).getFirst());
            assertTrue(app.get("/api/v1/audit?action=certificate.regenerate", app.apiToken()).body()
                    .contains("certificate.regenerate"));
        }
    }

    private static void streams(SSLContext tls, RunningAppliance app, String token) throws Exception {
        try (AgentConnection c = AgentConnection.connect(tls, "localhost", app.ingestPort(), 10_000)) {
            c.hello(RunningAppliance.hello(token, RunningAppliance.newInstance(), dev.telltale.protocol.Compression.ZSTD));
            c.sendRaw(c.encoder().frame(1, System.currentTimeMillis() * 1000, List.of(FakeAgent.open("/etc/c", 0))));
            assertEquals(1, c.awaitAck(1));
        }
    }

    private static String upload(String chain, String key) {
        ObjectNode o = JSON.createObjectNode().put("chain_pem", chain).put("key_pem", key);
        return o.toString();
    }

    private static HttpResponse<String> put(RunningAppliance app, SSLContext tls, String bearer, String body) throws Exception {
        return call(app, tls, bearer, "PUT", "/api/v1/certificates/server", body);
    }

    private static HttpResponse<String> call(RunningAppliance app, SSLContext tls, String bearer, String method, String path,
                                             String body) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance().httpsPort() + path))
                .header("Authorization", "Bearer " + bearer);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static SSLContext trusting(X509Certificate... cas) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        for (int i = 0; i < cas.length; i++) {
            ks.setCertificateEntry("ca" + i, cas[i]);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The chain a fresh TLS connection to {@code port} is shown. */
    static List<X509Certificate> peer(SSLContext tls, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return java.util.Arrays.stream(s.getSession().getPeerCertificates()).map(c -> (X509Certificate) c).toList();
        }
    }

    private static List<X509Certificate> parse(String pem) throws Exception {
        List<X509Certificate> out = new java.util.ArrayList<>();
        for (Certificate c : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }

}
