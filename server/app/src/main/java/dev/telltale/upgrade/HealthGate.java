package dev.telltale.upgrade;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.Welcome;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The last step of a transaction: the release that was started must report healthy on
 * {@code /api/health}, accept a test batch on the agent port as the version it should be (the
 * WELCOME names the server's version), and serve the sign-in page. Anything else within the
 * timeout fails the gate.
 */
final class HealthGate {
    static final String APPLICATION = "telltale-upgrade-check";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dataDir;
    private final int httpsPort;
    private final int ingestPort;
    private final Duration timeout;

    HealthGate(Path dataDir, int httpsPort, int ingestPort, Duration timeout) {
        this.dataDir = dataDir;
        this.httpsPort = httpsPort;
        this.ingestPort = ingestPort;
        this.timeout = timeout;
    }

    /** @throws UpgradeException naming the check that did not pass in time */
    void await(String version, Optional<String> gateToken, Consumer<String> log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        SSLContext tls = null;
        while (System.nanoTime() < deadline) {
            try {
                tls = tls == null ? GateTls.context(dataDir) : tls; // the new release may create DATA/tls files
                HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
                var health = http.send(get("/api/health"), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() != 200 || !"UP".equals(JSON.readTree(health.body()).path("status").asText())) {
                    last = "health endpoint answered " + health.statusCode() + ": " + abbreviate(health.body());
                    throw new IOException(last);
                }
                log.accept("health endpoint: UP");
                if (gateToken.isPresent()) {
                    testBatch(tls, version, gateToken.get());
                    log.accept("agent port: a test batch was acknowledged by " + version);
                } else {
                    probe(tls);
                    log.accept("agent port: answers the protocol");
                }
                var login = http.send(get("/login"), HttpResponse.BodyHandlers.ofString());
                if (login.statusCode() != 200 || !login.body().contains("<form")) {
                    throw new UpgradeException("the sign-in page answered " + login.statusCode());
                }
                log.accept("user interface: the sign-in page answers");
                return;
            } catch (UpgradeException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                tls = null;
                sleep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpgradeException("interrupted while waiting for the health gate", e);
            }
        }
        throw new UpgradeException("health gate: the appliance was not healthy within " + timeout + " (" + last + ")");
    }

    private void testBatch(SSLContext tls, String version, String token) throws IOException {
        try (AgentConnection conn = AgentConnection.connect(tls, "localhost", ingestPort, 10_000)) {
            Welcome w = conn.hello(new Hello(1, token, "telltale-upgrade-gate-" + System.nanoTime(), "native", version,
                    "localhost", APPLICATION, "appliance", version, Optional.empty(), Compression.ZSTD, Optional.empty()));
            if (!version.equals(w.serverVersion())) {
                throw new UpgradeException("the agent port is served by version " + w.serverVersion() + ", not " + version);
            }
            Event e = Event.of(EventType.FILE, 0, 1, 1);
            e.body().set("op", "open").set("path", "/opt/telltale/current/VERSION").set("result", 3L);
            conn.sendRaw(conn.encoder().frame(w.nextSeq(), System.currentTimeMillis() * 1000, List.of(e)));
            conn.awaitAck(w.nextSeq());
        }
    }

    /**
     * Going back to a release on data of before (a rollback), there is no run token of the
     * transaction in that data: the agent port must complete TLS 1.3 and answer a HELLO (with a
     * refusal), which shows the listener and the protocol stack are up.
     */
    private void probe(SSLContext tls) throws IOException {
        try (AgentConnection conn = AgentConnection.connect(tls, "localhost", ingestPort, 10_000)) {
            conn.hello(new Hello(1, "tt_run_health-probe", "telltale-upgrade-probe", "native", "0", "localhost", APPLICATION,
                    "appliance", "0", Optional.empty(), Compression.ZSTD, Optional.empty()));
            throw new UpgradeException("the agent port accepted a run token that does not exist");
        } catch (dev.telltale.protocol.ProtocolException expected) {
            // refused as it should be: the listener is up and speaks the protocol
        }
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + path)).timeout(Duration.ofSeconds(10))
                .GET().build();
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
