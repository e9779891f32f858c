package dev.telltale.notify;

import dev.telltale.config.ConfigException;
import dev.telltale.testing.ConnectProxy;
import dev.telltale.testing.HttpsReceiver;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outbound HTTPS goes through the configured proxy (a CONNECT tunnel); bad proxy settings name their key. */
class NotifyProxyTest {
    @TempDir
    Path data;

    @Test
    void webhooksGoThroughTheConfiguredProxy() throws Exception {
        try (HttpsReceiver receiver = HttpsReceiver.start(data.resolve("receiver"));
             ConnectProxy proxy = ConnectProxy.start();
             RunningAppliance app = RunningAppliance.start(data.resolve("appliance"), "telltale:\n  notify:\n"
                     + "    poll-interval: PT0.05S\n    proxy: 127.0.0.1:" + proxy.port() + "\n"
                     + "    trusted-ca-file: " + receiver.caFile() + "\n")) {
            HttpResponse<String> r = app.post("/api/v1/integrations", "{\"type\":\"webhook\",\"name\":\"proxied\","
                    + "\"url\":\"" + receiver.url("/via-proxy") + "\",\"events\":[\"system\"],"
                    + "\"secrets\":{\"secret\":\"proxy-secret-0123456789\"}}", app.apiToken());
            assertEquals(201, r.statusCode(), r.body());
            app.appliance().notifications().system("proxy.check", "through the proxy");
            assertEquals(1, receiver.await(x -> x.path().equals("/via-proxy"), 1, Duration.ofSeconds(20)).size());
            assertTrue(proxy.targets().contains("localhost:" + receiver.port()), proxy.targets().toString());
        }
    }

    @Test
    void invalidSettingsNameTheirKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> NotifyConfig.proxy("proxy.example"));
        assertTrue(e.getMessage().contains("telltale.notify.proxy"), e.getMessage());
        assertThrows(ConfigException.class, () -> NotifyConfig.proxy("user@proxy:8080"));
        assertEquals(3128, NotifyConfig.proxy("proxy.example:3128").getPort());
        NotifyConfig d = NotifyConfig.defaults();
        ConfigException workers = assertThrows(ConfigException.class, () -> new NotifyConfig(0, d.pollInterval(),
                d.retryBase(), d.retryMax(), d.maxAttempts(), d.failureLimit(), d.requestTimeout(), d.agentGap(),
                d.agentGapCheck(), d.proxy(), d.trustedCaFile(), false, d.retention()));
        assertTrue(workers.getMessage().contains("telltale.notify.worker-threads"), workers.getMessage());
        ConfigException backoff = assertThrows(ConfigException.class, () -> new NotifyConfig(2, d.pollInterval(),
                Duration.ofMinutes(5), Duration.ofMinutes(1), d.maxAttempts(), d.failureLimit(), d.requestTimeout(),
                d.agentGap(), d.agentGapCheck(), d.proxy(), d.trustedCaFile(), false, d.retention()));
        assertTrue(backoff.getMessage().contains("telltale.notify.retry-max"), backoff.getMessage());
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        NotifyConfig d = NotifyConfig.defaults();
        Deliveries deliveries = new Deliveries(d);
        assertEquals(Duration.ofSeconds(30), deliveries.backoff(1));
        assertEquals(Duration.ofSeconds(60), deliveries.backoff(2));
        assertEquals(Duration.ofSeconds(240), deliveries.backoff(4));
        assertEquals(Duration.ofHours(1), deliveries.backoff(9));
        assertEquals(Duration.ofHours(1), deliveries.backoff(60));
    }
}
