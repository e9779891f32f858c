package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The certificate the appliance presents, as its API describes it, checked against a real handshake. */
class CertificatesApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    static RunningAppliance app;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void theServerCertificateIsDescribedAsTheListenersPresentIt() throws Exception {
        JsonNode r = JSON.readTree(app.get("/api/v1/certificates/server", app.apiToken()).body());
        JsonNode server = r.get("server");
        List<String> sans = new ArrayList<>();
        server.get("subject_alt_names").forEach(n -> sans.add(n.asText()));
        assertTrue(sans.contains("DNS:localhost") && sans.contains("IP:127.0.0.1"), sans.toString());
        assertTrue(server.get("days_left").asLong() > 300, server.toString());
        assertEquals(false, server.get("ca").asBoolean());
        assertEquals(true, r.get("ca").get("ca").asBoolean());
        assertEquals(r.get("ca").get("subject").asText(), server.get("issuer").asText());
        for (int port : new int[]{app.appliance().httpsPort(), app.ingestPort()}) {
            try (SSLSocket s = (SSLSocket) app.tls().getSocketFactory().createSocket("localhost", port)) {
                s.startHandshake();
                Certificate presented = s.getSession().getPeerCertificates()[0];
                String sha256 = HexFormat.ofDelimiter(":").withUpperCase()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(presented.getEncoded()));
                assertEquals(sha256, server.get("sha256").asText(), "the fingerprint of what port " + port + " presents");
            }
        }
        String pem = app.get("/api/v1/certificates/ca.pem", app.apiToken()).body();
        assertEquals(Files.readString(app.dataDir().resolve("tls/ca.crt")).trim(), pem.trim());
    }
}
