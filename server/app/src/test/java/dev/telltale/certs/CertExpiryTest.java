package dev.telltale.certs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testing.MutableClock;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.testing.TestPki;
import dev.telltale.testing.TestPki.Issued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expiry warnings at 30, 7 and 1 days: once each, never repeated after a restart, and raised as alerts. */
class CertExpiryTest {
    static final String HOST = "telltale.example.com";
    final Instant start = Instant.parse("2026-06-01T10:00:00Z");
    final MutableClock clock = new MutableClock(start);

    BcCertificateStore storeWithLeafValidFor(Path data, Duration validity) {
        BcCertificateStore store = BcCertificateStore.load(data, new CertsConfig(List.of(), 825, 14), clock,
                Optional.of("appliance-7"), Optional.of(HOST), (a, b, c) -> { });
        Issued root = TestPki.root("Root", start);
        Issued leaf = TestPki.leaf(HOST, root, List.of(HOST), start.minus(Duration.ofHours(1)), start.plus(validity));
        store.install(Upload.pem(TestPki.chain(leaf.cert(), root.cert()), Optional.of(TestPki.pkcs8(leaf.keys())),
                Optional.empty()), "admin");
        return store;
    }

    @Test
    void eachThresholdIsNotifiedOnceEvenAcrossRestarts(@TempDir Path data) {
        BcCertificateStore store = storeWithLeafValidFor(data, Duration.ofDays(60));
        List<CertificateNotice> seen = new ArrayList<>();
        try (CertificateMonitor m = CertificateMonitor.start(store, data, clock, Duration.ZERO, List.of(seen::add))) {
            assertEquals(List.of(), m.checkNow(), "60 days left: nothing to say");
            clock.advance(Duration.ofDays(31));
            List<CertificateNotice> first = m.checkNow();
            assertEquals(1, first.size());
            assertEquals(30, first.getFirst().thresholdDays());
            assertEquals("both", first.getFirst().listener(), "the 14-day CA transition is over: both listeners present it");
            assertEquals(List.of(), m.checkNow(), "once per threshold");
            clock.advance(Duration.ofDays(23)); // 6 days left
            assertEquals(7, m.checkNow().getFirst().thresholdDays());
        }
        try (CertificateMonitor again = CertificateMonitor.start(store, data, clock, Duration.ZERO, List.of(seen::add))) {
            assertEquals(List.of(), again.checkNow(), "a restart does not repeat a notice");
            clock.advance(Duration.ofDays(5).plusHours(12)); // half a day left
            CertificateNotice last = again.checkNow().getFirst();
            assertEquals(1, last.thresholdDays());
            assertTrue(last.summary().contains("expires on"), last.summary());
        }
        assertEquals(List.of(30, 7, 1), seen.stream().map(CertificateNotice::thresholdDays).toList());
    }

    @Test
    void aCertificateFirstSeenPastSeveralThresholdsGetsTheNearestOnly(@TempDir Path data) {
        BcCertificateStore store = storeWithLeafValidFor(data, Duration.ofDays(5));
        try (CertificateMonitor m = CertificateMonitor.start(store, data, clock, Duration.ZERO, List.of(n -> { }))) {
            assertEquals(List.of(7), m.checkNow().stream().map(CertificateNotice::thresholdDays).toList());
            assertEquals(List.of(), m.checkNow());
        }
    }

    @Test
    void aFailingSinkDoesNotStopTheOthers(@TempDir Path data) {
        BcCertificateStore store = storeWithLeafValidFor(data, Duration.ofDays(20));
        List<CertificateNotice> seen = new ArrayList<>();
        try (CertificateMonitor m = CertificateMonitor.start(store, data, clock, Duration.ZERO, List.of(n -> {
            throw new IllegalStateException("outbox down");
        }, seen::add))) {
            m.checkNow();
        }
        assertEquals(1, seen.size());
    }

    @Test
    void theApplianceRaisesASystemAlertForACertificateNearExpiry(@TempDir Path data) throws Exception {
        Instant now = Instant.now();
        Issued root = TestPki.root("Short Root", now);
        Issued leaf = TestPki.leaf("localhost", root, List.of("localhost", "127.0.0.1"), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(5)));
        dev.telltale.testing.HttpsReceiver siem = dev.telltale.testing.HttpsReceiver.start(data.resolve("receiver"));
        String yaml = "telltale:\n  public-host: localhost\n  certs:\n    transition-days: 0\n  notify:\n"
                + "    poll-interval: PT0.05S\n    trusted-ca-file: " + siem.caFile() + "\n";
        try (RunningAppliance app = RunningAppliance.start(data.resolve("appliance"), yaml)) {
            HttpResponse<String> hook = app.post("/api/v1/integrations", "{\"type\":\"webhook\",\"name\":\"ops\",\"url\":\""
                    + siem.url("/system") + "\",\"events\":[\"system\"],\"secrets\":{\"secret\":\"a-long-enough-hmac-secret\"}}",
                    app.apiToken());
            assertEquals(201, hook.statusCode(), hook.body());
            app.appliance().certificates().install(Upload.pem(TestPki.chain(leaf.cert(), root.cert()),
                    Optional.of(TestPki.pkcs8(leaf.keys())), Optional.empty()), "admin");
        }
        try (RunningAppliance app = RunningAppliance.start(data.resolve("appliance"), yaml)) {
            SSLContext tls = CertHotSwapTest.trusting(root.cert());
            HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
            String base = "https://localhost:" + app.appliance().httpsPort();
            String token = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/token"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"admin\",\"password\":\"" + RunningAppliance.ADMIN_PASSWORD + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("access_token").asText();
            String alerts = "";
            for (int i = 0; i < 100 && !alerts.contains(ExpiryAlerts.RULE); i++) {
                Thread.sleep(100);
                alerts = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/alerts")).header("Authorization",
                        "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(alerts.contains(ExpiryAlerts.RULE) && alerts.contains("P2"), alerts);
            // and the integrations that subscribe to system events are told
            var told = siem.await(r -> r.path().equals("/system") && r.body().contains("certificate"), 1,
                    Duration.ofSeconds(30));
            assertEquals(1, told.size(), "a system notification about the certificate: " + siem.requests());
        } finally {
            siem.close();
        }
    }

    @Test
    void theSystemRuleIsDocumented() throws Exception {
        assertTrue(Files.readString(Path.of("../../docs/rules.md")).contains("`" + ExpiryAlerts.RULE + "`"));
    }
}
