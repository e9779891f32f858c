package dev.telltale.sca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.sbom.DebianHost;
import dev.telltale.testing.FakeAgent;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real agents report a Debian 12 host and a Spring application; real OSV advisories are imported;
 * the scan finds the vulnerable packages, flags those loaded at run time, and raises alerts only
 * for what was loaded (the rule's default), once.
 */
class ScaFindingsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    static RunningAppliance app;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "telltale:\n  sca:\n    enabled: false\n");
        admin = app.apiToken();
        List<Event> events = new ArrayList<>(DebianHost.session());
        events.add(springBeans(300));
        FakeAgent.send(app, app.runToken(Optional.empty()).token(), "checkout-a", "web-1", "shop", "checkout", "1.4.2",
                events);
        importAdvisories("sca/DSA-5621-1.json", "osv/GHSA-36p3-wjmg-h94x.json", "osv/GHSA-jfh8-c2jp-5v3q.json");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** spring-beans 5.3.17 on the class path: vulnerable to Spring4Shell (fixed in 5.3.18). */
    static Event springBeans(long pid) {
        Event e = DebianHost.load(pid, "/opt/shop/lib/spring-beans-5.3.17.jar",
                "4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c", "classpath");
        e.body().set("language", "java").set("name", "spring-beans").set("dep_version", "5.3.17")
                .set("purl", "pkg:maven/org.springframework/spring-beans@5.3.17");
        return e;
    }

    static void importAdvisories(String... resources) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String r : resources) {
                try (InputStream in = ScaFindingsTest.class.getResourceAsStream("/" + r)) {
                    zip.putNextEntry(new ZipEntry(r));
                    zip.write(in.readAllBytes());
                    zip.closeEntry();
                }
            }
        }
        HttpClient http = HttpClient.newBuilder().sslContext(app.tls()).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                        + app.appliance().httpsPort() + "/api/v1/vulndb/import")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/zip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        long id = JSON.readTree(r.body()).get("id").asLong();
        long deadline = System.currentTimeMillis() + 60_000;
        String state;
        do {
            Thread.sleep(50);
            state = JSON.readTree(app.get("/api/v1/vulndb/imports/" + id, admin).body()).get("state").asText();
        } while ((state.equals("QUEUED") || state.equals("RUNNING")) && System.currentTimeMillis() < deadline);
        assertEquals("SUCCEEDED", state);
    }

    static JsonNode findings(String query) throws Exception {
        HttpResponse<String> r = app.get("/api/v1/findings" + query, admin);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("findings");
    }

    static JsonNode scaAlerts() throws Exception {
        return JSON.readTree(app.get("/api/v1/alerts?rule=supply-chain.vulnerable-package", admin).body()).get("alerts");
    }

    @Test
    void vulnerablePackagesAreFoundFlaggedByRuntimeUseAndAlertedOnceWhenLoaded() throws Exception {
        scanUntilFound();
        JsonNode all = findings("?application=shop&version=1.4.2");
        List<String> seen = new ArrayList<>();
        all.forEach(f -> seen.add(f.get("package").asText() + "/" + f.get("advisory").asText() + "/"
                + f.get("used_at_runtime").asBoolean()));
        // libssl3 and openssl are both built from the openssl source package; only libssl3 was loaded (by curl).
        assertTrue(seen.contains("libssl3/DSA-5621-1/true"), seen.toString());
        assertTrue(seen.contains("openssl/DSA-5621-1/false"), seen.toString());
        assertTrue(seen.contains("org.springframework:spring-beans/GHSA-36p3-wjmg-h94x/true"), seen.toString());
        assertFalse(seen.stream().anyMatch(s -> s.contains("log4j")), "log4j-core is not in the inventory: " + seen);
        JsonNode spring = findings("?application=shop&version=1.4.2&used=true&severity=CRITICAL");
        assertEquals(1, spring.size(), spring.toString());
        assertEquals("CVE-2022-22965", spring.get(0).get("cves").get(0).asText());
        assertEquals("5.3.18", spring.get(0).get("fixed_versions").get(1).asText(), spring.toString());
        assertEquals(2, findings("?application=shop&version=1.4.2&used=true").size());

        JsonNode alerts = scaAlerts();
        assertEquals(2, alerts.size(), "alerts for the two loaded vulnerable packages only: " + alerts);
        List<String> severities = new ArrayList<>();
        alerts.forEach(a -> severities.add(a.get("severity").asText()));
        assertTrue(severities.contains("P1") && severities.contains("P2"), "CVSS 9.8 → P1, 7.5 → P2: " + severities);

        app.post("/api/v1/findings/scan", "", admin);
        JsonNode again = scaAlerts();
        assertEquals(2, again.size());
        again.forEach(a -> assertEquals(1, a.get("events").asLong(), "a rescan raises nothing new: " + a));
        long told = dev.telltale.db.Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            try (var ps = c.prepareStatement("SELECT COUNT(*) FROM notify_events WHERE kind = 'new_vulnerability'"
                    + " AND application = 'shop'"); var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertEquals(all.size(), told, "each new finding is one outbox row (written with it); a rescan adds none");
        assertEquals(400, app.get("/api/v1/findings?severity=SEVERE", admin).statusCode());
        assertEquals(400, app.get("/api/v1/findings?used=maybe", admin).statusCode());
    }

    /**
     * A Java agent that asks at HELLO learns its version's vulnerable Maven packages (what it traces
     * method by method); the finding then shows the classes the agent saw loaded and the methods it
     * saw run, from that package only.
     */
    @Test
    void javaAgentsLearnWhatToTraceAndTheFindingShowsTheCodeUsed() throws Exception {
        scanUntilFound();
        String token = app.runToken(Optional.empty()).token();
        String spring = "pkg:maven/org.springframework/spring-beans@5.3.17";
        assertEquals(Optional.of(List.of(spring)), welcome(token, "1.4.2", true).trace(),
                "only the Maven packages with findings (libssl3 is a Debian package)");
        assertEquals(Optional.of(List.of()), welcome(token, "9.9.9", true).trace(), "a version without findings");
        assertEquals(Optional.empty(), welcome(token, "1.4.2", false).trace(), "not asked, not sent");

        Event loaded = Event.of(EventType.JAVA_METHOD, 0, 300, 300);
        loaded.body().set("class", "*").set("methods", List.of("org.springframework.beans.BeanWrapperImpl",
                "org.springframework.beans.CachedIntrospectionResults")).set("jar", "/opt/shop/lib/spring-beans-5.3.17.jar")
                .set("purl", spring).set("count", 2L);
        Event ran = Event.of(EventType.JAVA_METHOD, 10, 300, 300);
        ran.body().set("class", "org.springframework.beans.BeanWrapperImpl")
                .set("methods", List.of("setPropertyValue(String, Object)", "<init>(Object)"))
                .set("jar", "/opt/shop/lib/spring-beans-5.3.17.jar").set("purl", spring).set("count", 2L);
        Event other = Event.of(EventType.JAVA_METHOD, 20, 300, 300);
        other.body().set("class", "com.example.Other").set("methods", List.of("run()"))
                .set("jar", "/opt/shop/lib/other.jar").set("purl", "pkg:maven/com.example/other@1.0").set("count", 1L);
        FakeAgent.send(app, token, "checkout-java", "web-1", "shop", "checkout", "1.4.2", List.of(loaded, ran, other));
        long id = finding("org.springframework:spring-beans", "1.4.2").get("id").asLong();
        // An ack means the journal holds the events; the indexer makes them searchable a little later.
        long deadline = System.currentTimeMillis() + 15_000;
        JsonNode usage;
        do {
            app.appliance().store().refreshNow();
            usage = JSON.readTree(app.get("/api/v1/findings/" + id, admin).body()).get("usage");
        } while (usage.get("methods_executed").asInt() < 2 && System.currentTimeMillis() < deadline && sleep(50));
        assertEquals(2, usage.get("classes_loaded").asInt(), usage.toString());
        assertEquals(2, usage.get("methods_executed").asInt(), usage.toString());
        assertEquals("org.springframework.beans.BeanWrapperImpl.<init>(Object)", usage.get("methods").get(0).asText());
        assertEquals("org.springframework.beans.BeanWrapperImpl.setPropertyValue(String, Object)",
                usage.get("methods").get(1).asText());
        assertFalse(usage.toString().contains("com.example"), "another package's code is not this finding's");
        long ssl = finding("libssl3", "1.4.2").get("id").asLong();
        assertEquals(0, JSON.readTree(app.get("/api/v1/findings/" + ssl, admin).body()).get("usage")
                .get("classes_loaded").asInt());

        try (dev.telltale.testing.Browser b = dev.telltale.testing.Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/findings/" + id);
            String methods = b.text("#methods-used");
            assertTrue(methods.contains("BeanWrapperImpl.setPropertyValue(String, Object)"), methods);
            assertTrue(b.text("#code-used").contains("2 of the package's classes loaded, 2 of its methods executed"),
                    b.text("#code-used"));
            ((org.openqa.selenium.JavascriptExecutor) b.driver())
                    .executeScript("document.getElementById('code-used').scrollIntoView()");
            b.screenshot("finding-code-used");
        }
    }

    private static boolean sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
        return true;
    }

    private static dev.telltale.protocol.Welcome welcome(String token, String version, boolean ask) throws Exception {
        try (var conn = app.connect()) {
            return conn.hello(new dev.telltale.protocol.Hello(1, token, "trace-" + version + ask, "native", "0.3.1",
                    "web-1", "shop", "checkout", version, Optional.empty(), dev.telltale.protocol.Compression.ZSTD,
                    Optional.empty(), ask));
        }
    }

    /** The finding of {@code pkg} in {@code version} of shop/checkout. */
    static JsonNode finding(String pkg, String version) throws Exception {
        for (JsonNode f : findings("?application=shop&version=" + version)) {
            if (f.get("package").asText().equals(pkg)) {
                return f;
            }
        }
        throw new AssertionError("no finding for " + pkg + " in " + version);
    }

    static HttpResponse<String> triage(long id, String json) throws Exception {
        return app.post("/api/v1/findings/" + id + "/transitions", json, admin);
    }

    @Test
    void findingsWithoutAnAlertAreTriagedOnceForEveryVersionAndKeepTheirStateAcrossRescans() throws Exception {
        scanUntilFound();
        // openssl is installed but never loaded: no alert, so it is triaged as a finding.
        long openssl = finding("openssl", "1.4.2").get("id").asLong();
        assertEquals("REPORTED", finding("openssl", "1.4.2").get("state").asText());
        HttpResponse<String> r = triage(openssl, "{\"to\":\"NOT_AN_ISSUE\",\"comment\":\"the CLI never runs here\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("REPORTED", JSON.readTree(r.body()).get("from").asText());
        assertEquals(409, triage(openssl, "{\"to\":\"NOT_AN_ISSUE\"}").statusCode(), "already in that state");
        assertEquals(409, triage(openssl, "{\"to\":\"FIXED\"}").statusCode(), "fixed is the scan's to say");
        assertEquals(400, triage(openssl, "{\"to\":\"SOLVED\"}").statusCode());
        assertEquals(404, triage(999_999, "{\"to\":\"ACKNOWLEDGED\"}").statusCode());
        HttpResponse<String> alerted = triage(finding("libssl3", "1.4.2").get("id").asLong(), "{\"to\":\"ACKNOWLEDGED\"}");
        assertEquals(409, alerted.statusCode(), "loaded, so it raised an alert, which carries its triage");
        assertTrue(alerted.body().contains("alert"), alerted.body());

        app.post("/api/v1/findings/scan", "", admin);
        assertEquals("NOT_AN_ISSUE", finding("openssl", "1.4.2").get("state").asText(), "a rescan keeps the decision");
        assertEquals(1, findings("?application=shop&state=NOT_AN_ISSUE").size());
        assertFalse(findings("?application=shop&state=REPORTED").toString().contains("\"openssl\""));
        assertEquals(400, app.get("/api/v1/findings?state=DONE", admin).statusCode());

        // A newer version of the component with the same packages: the decision carries over. It loads
        // nothing, so it raises no vulnerability alert to disturb the other tests' counts.
        FakeAgent.send(app, app.runToken(Optional.empty()).token(), "checkout-b", "web-2", "shop", "checkout", "1.5.0",
                List.of(DebianHost.hostEnv(100), DebianHost.processStart(200, "/usr/bin/true")));
        long deadline = System.currentTimeMillis() + 60_000;
        while (findings("?application=shop&version=1.5.0").isEmpty() && System.currentTimeMillis() < deadline) {
            app.post("/api/v1/findings/scan", "", admin);
            Thread.sleep(200);
        }
        assertEquals("NOT_AN_ISSUE", finding("openssl", "1.5.0").get("state").asText());

        assertEquals(200, triage(openssl, "{\"to\":\"REPORTED\"}").statusCode());
        r = triage(openssl, "{\"to\":\"RISK_ACCEPTED\"}");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("expiry"), r.body());
        assertEquals(400, triage(openssl, "{\"to\":\"RISK_ACCEPTED\",\"expires_at\":\"2999-01-01T00:00:00Z\"}")
                .statusCode(), "beyond max-risk-acceptance");
        String until = java.time.Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        assertEquals(200, triage(openssl, "{\"to\":\"RISK_ACCEPTED\",\"expires_at\":\"" + until + "\"}").statusCode());
        JsonNode accepted = finding("openssl", "1.5.0");
        assertEquals("RISK_ACCEPTED", accepted.get("state").asText());
        assertEquals(until, accepted.get("state_expires_at").asText());

        JsonNode history = JSON.readTree(app.get("/api/v1/findings/" + openssl + "/history", admin).body()).get("history");
        assertEquals(3, history.size(), history.toString());
        assertEquals("the CLI never runs here", history.get(0).get("comment").asText());
        assertEquals("admin", history.get(2).get("actor").asText());
        assertTrue(app.get("/api/v1/audit?limit=50", admin).body().contains("finding.transition"));

        // In the pages: the same finding, its state and history, and its triage form.
        try (dev.telltale.testing.Browser b = dev.telltale.testing.Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/findings?state=RISK_ACCEPTED");
            assertTrue(b.text("#findings").contains("openssl"), b.text("main"));
            b.go("/findings/" + openssl);
            assertTrue(b.text("#finding-state").contains("Risk accepted"), b.text("#finding-state"));
            assertEquals(3, b.all("#history tbody tr").size());
            new org.openqa.selenium.support.ui.Select(b.find("#to")).selectByValue("ACKNOWLEDGED");
            b.type("comment", "upgrade planned for the next release");
            b.submit("form.transition button[type=submit]");
            assertTrue(b.text("main").contains("Changed to Acknowledged."), b.text("main"));
            new org.openqa.selenium.support.ui.Select(b.find("#to")).selectByValue("RISK_ACCEPTED");
            b.submit("form.transition button[type=submit]");
            assertEquals("A risk acceptance needs the date when it reopens.", b.text("#expires-error"));
            b.screenshot("finding-triage");
            b.go("/findings/" + finding("libssl3", "1.4.2").get("id").asLong());
            assertTrue(b.all("form.transition").isEmpty(), "triaged on its alert");
            assertTrue(b.text("#on-alert").contains("triage it among the alerts"));
        }
    }

    @Test
    void theRuntimeInventoryExportsAsAValidCycloneDxSbomWithWhatWasLoaded() throws Exception {
        String path = "/api/v1/applications/shop/components/checkout/versions/1.4.2/sbom";
        HttpResponse<String> cdx = app.get(path + "?format=cyclonedx-json", admin);
        assertEquals(200, cdx.statusCode(), cdx.body());
        byte[] bytes = cdx.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(List.of(), new org.cyclonedx.parsers.JsonParser().validate(bytes, org.cyclonedx.Version.VERSION_16));
        JsonNode bom = JSON.readTree(cdx.body());
        JsonNode libssl = null;
        for (JsonNode c : bom.get("components")) {
            if (c.path("name").asText().equals("libssl3")) {
                libssl = c;
            }
        }
        assertTrue(libssl != null && libssl.get("purl").asText().startsWith("pkg:deb/debian/libssl3@3.0.11-1~deb12u2"),
                "the Debian package from the host environment: " + libssl);
        assertTrue(libssl.get("properties").toString().contains("/usr/bin/curl"), "loaded by curl: " + libssl);
        HttpResponse<String> spdx = app.get(path + "?format=spdx-json", admin);
        assertEquals(200, spdx.statusCode(), spdx.body());
        assertTrue(JSON.readTree(spdx.body()).get("spdxVersion").asText().equals("SPDX-2.3"));
    }

    @Test
    void adminsSeeTheDatabaseAndTheApplicationPageListsVulnerabilitiesAndSbomDownloads() throws Exception {
        scanUntilFound();
        try (dev.telltale.testing.Browser b = dev.telltale.testing.Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/admin/vulndb");
            assertTrue(b.text("main").contains("SUCCEEDED"), b.text("main"));
            assertTrue(b.text("main table").contains("Debian"), "advisories per ecosystem: " + b.text("main"));
            b.screenshot("admin-vulndb");
            b.go("/applications");
            b.follow("shop");
            String page = b.text("#sbom");
            assertTrue(page.contains("Known vulnerabilities"), page);
            assertTrue(page.contains("DSA-5621-1") && page.contains("CVE-2022-22965"), page);
            assertFalse(b.all("#sbom a[href*='format=spdx-json']").isEmpty(), "SBOM downloads are offered");
            b.screenshot("application-vulnerabilities");
        }
    }

    @Test
    void aDeniedLicenceRaisesOneAlertUnderAPolicyThatEnablesTheRule() throws Exception {
        scanUntilFound();
        HttpResponse<String> created = app.post("/api/v1/policies", "{\"name\":\"No LGPL\",\"based_on\":\"Standard\","
                + "\"rules\":{\"supply-chain.licence-violation\":{\"enabled\":true,\"params\":{\"denied-licences\":"
                + "[\"LGPL-2.1\"]}}}}", admin);
        assertEquals(201, created.statusCode(), created.body());
        long appId = -1;
        for (JsonNode a : JSON.readTree(app.get("/api/v1/applications", admin).body()).get("applications")) {
            if (a.get("name").asText().equals("shop")) {
                appId = a.get("id").asLong();
            }
        }
        assertEquals(200, app.put("/api/v1/applications/" + appId + "/policy", "{\"policy\":\"No LGPL\"}", admin)
                .statusCode());
        app.post("/api/v1/findings/scan", "", admin);
        app.post("/api/v1/findings/scan", "", admin);
        JsonNode alerts = JSON.readTree(app.get("/api/v1/alerts?rule=supply-chain.licence-violation", admin).body())
                .get("alerts");
        assertEquals(1, alerts.size(), "libc6 (LGPL-2.1+) is the one package with a denied licence: " + alerts);
        assertTrue(alerts.get(0).get("key").asText().startsWith("libc6"), alerts.toString());
        // Once per component version (another test may add a version), not at every scan.
        long versions = JSON.readTree(app.get("/api/v1/alerts/" + alerts.get(0).get("id").asLong(), admin).body())
                .get("occurrences").size();
        assertEquals(versions, alerts.get(0).get("events").asLong(), "raised once per version: " + alerts);
        app.post("/api/v1/findings/scan", "", admin);
        JsonNode after = JSON.readTree(app.get("/api/v1/alerts?rule=supply-chain.licence-violation", admin).body())
                .get("alerts");
        assertEquals(alerts.get(0).get("events").asLong(), after.get(0).get("events").asLong(), "not again at a rescan");
        assertEquals(List.of("LGPL-2.1"), LicenceCheck.denied("LGPL-2.1+", List.of("LGPL-2.1", "AGPL-3.0-only")));
        assertEquals(List.of(), LicenceCheck.denied("MIT OR Apache-2.0", List.of("AGPL-3.0-only")));
        assertEquals(List.of("AGPL-3.0-only"), LicenceCheck.denied("(MIT AND agpl-3.0-only)", List.of("AGPL-3.0-only")));
    }

    /** The engine commits the inventory at its checkpoints (every 2 s): scan until it is there. */
    static void scanUntilFound() throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        int found;
        do {
            found = JSON.readTree(app.post("/api/v1/findings/scan", "", admin).body()).get("findings").asInt();
        } while (found < 3 && System.currentTimeMillis() < deadline && sleep());
    }

    static boolean sleep() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }
}
