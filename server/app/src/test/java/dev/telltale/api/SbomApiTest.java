package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.agents.AppRefs;
import dev.telltale.db.Sql;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.testing.TeamUsers;
import org.cyclonedx.Version;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.parsers.JsonParser;
import org.cyclonedx.parsers.XmlParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spdx.jacksonstore.MultiFormatStore;
import org.spdx.library.model.v2.SpdxDocument;
import org.spdx.storage.simple.InMemSpdxStore;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SBOM routes on a running appliance: export in each format with its media type and file
 * name, import of a CI scanner's CycloneDX SBOM (replaced by the next import), refusals, and
 * what each team role may do.
 */
class SbomApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SBOM = "/api/v1/applications/shop/components/checkout/versions/1.4.2/sbom";

    @TempDir
    static Path data;
    static RunningAppliance app;
    static HttpClient http;
    static String admin;
    static String dev;
    static String viewer;
    static String outsider;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        http = HttpClient.newBuilder().sslContext(app.tls()).connectTimeout(Duration.ofSeconds(5)).build();
        admin = app.apiToken();
        long shopTeam = TeamUsers.team(app, "default");
        long other = TeamUsers.team(app, "payments");
        version(shopTeam, "shop", "checkout", "1.4.2");
        TeamUsers.create(app, "shop-dev", Optional.of("DEVELOPER"), shopTeam);
        TeamUsers.create(app, "shop-viewer", Optional.of("VIEWER"), shopTeam);
        TeamUsers.create(app, "payments-dev", Optional.of("DEVELOPER"), other);
        dev = token("shop-dev");
        viewer = token("shop-viewer");
        outsider = token("payments-dev");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** Registers a version as an agent's hello does. */
    static void version(long team, String application, String component, String version) {
        Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            AppRefs refs = new AppRefs(c, Instant.now());
            refs.version(refs.component(refs.application(team, application), component), version);
            return null;
        });
    }

    static String token(String user) throws Exception {
        var r = app.post("/api/v1/auth/token", "{\"username\":\"" + user + "\",\"password\":\"" + TeamUsers.PASSWORD
                + "\"}", null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    static HttpResponse<byte[]> get(String pathAndQuery, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance().httpsPort()
                        + pathAndQuery)).header("Authorization", "Bearer " + bearer).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<String> post(String path, byte[] body, String type, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance().httpsPort() + path))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static byte[] syft() throws Exception {
        try (InputStream in = SbomApiTest.class.getResourceAsStream("/sbom/shop-syft.cdx.json")) {
            return in.readAllBytes();
        }
    }

    static Set<List<Object>> identities(Bom bom) {
        return bom.getComponents().stream().map(c -> List.<Object>of(String.valueOf(c.getPurl()),
                String.valueOf(c.getVersion()), String.valueOf(c.getLicenses() == null ? "" : c.getLicenses()
                        .getLicenses().stream().map(l -> l.getId() != null ? l.getId() : l.getName()).toList()),
                c.getHashes() == null ? List.of() : c.getHashes().stream().map(h -> h.getAlgorithm() + ":"
                        + h.getValue()).sorted().toList())).collect(Collectors.toSet());
    }

    @Test
    void aCiScannersSbomIsImportedThenExportedInEveryFormat() throws Exception {
        HttpResponse<String> imported = post(SBOM, syft(), "application/vnd.cyclonedx+json", dev);
        assertEquals(201, imported.statusCode(), imported.body());
        JsonNode summary = JSON.readTree(imported.body());
        assertEquals("syft 1.18.1", summary.get("tool").asText());
        assertEquals(10, summary.get("components").asInt());
        assertEquals("shop-dev", summary.get("imported_by").asText());
        JsonNode audited = JSON.readTree(app.get("/api/v1/audit?action=sbom.import", admin).body()).get("entries").get(0);
        assertEquals("shop/checkout@1.4.2", audited.get("target").asText());
        assertEquals("shop-dev", audited.get("actor").asText());

        HttpResponse<byte[]> json = get(SBOM + "?format=cyclonedx-json", viewer);
        assertEquals(200, json.statusCode());
        assertEquals("application/vnd.cyclonedx+json; version=1.6", json.headers().firstValue("content-type").orElseThrow());
        assertEquals("attachment; filename=\"shop-checkout-1.4.2.cdx.json\"",
                json.headers().firstValue("content-disposition").orElseThrow());
        assertEquals(List.of(), new JsonParser().validate(json.body(), Version.VERSION_16));
        Bom bom = new JsonParser().parse(json.body());
        assertEquals(10, bom.getComponents().size());
        Component core = bom.getComponents().stream().filter(c -> c.getName().equals("spring-core")).findFirst()
                .orElseThrow();
        assertTrue(core.getProperties().stream().anyMatch(p -> p.getName().equals("telltale:source")
                && p.getValue().equals("import")), "nothing ran yet: imported only");
        assertTrue(core.getProperties().stream().anyMatch(p -> p.getName().equals("telltale:loaded")
                && p.getValue().equals("false")));

        HttpResponse<byte[]> xml = get(SBOM + "?format=cyclonedx-xml", viewer);
        assertEquals(200, xml.statusCode());
        assertEquals("attachment; filename=\"shop-checkout-1.4.2.cdx.xml\"",
                xml.headers().firstValue("content-disposition").orElseThrow());
        assertEquals(List.of(), new XmlParser().validate(xml.body(), Version.VERSION_16));

        HttpResponse<byte[]> spdx = get(SBOM + "?format=spdx-json", viewer);
        assertEquals(200, spdx.statusCode());
        assertEquals("application/spdx+json", spdx.headers().firstValue("content-type").orElseThrow());
        SpdxDocument doc = (SpdxDocument) new MultiFormatStore(new InMemSpdxStore(), MultiFormatStore.Format.JSON)
                .deSerialize(new ByteArrayInputStream(spdx.body()), false);
        assertEquals(List.of(), doc.verify());
    }

    @Test
    void anExportReimportedThroughTheApiExportsTheSameComponentsAndReplacesThePreviousImport() throws Exception {
        version(TeamUsers.team(app, "default"), "shop", "checkout", "1.5.0");
        String path = "/api/v1/applications/shop/components/checkout/versions/1.5.0/sbom";
        assertEquals(201, post(path, syft(), "application/json", admin).statusCode());
        byte[] first = get(path, admin).body();
        HttpResponse<String> again = post(path, first, "application/vnd.cyclonedx+json", dev);
        assertEquals(201, again.statusCode(), again.body());
        assertEquals("Telltale dev", JSON.readTree(again.body()).get("tool").asText());
        byte[] second = get(path, admin).body();
        assertEquals(identities(new JsonParser().parse(first)), identities(new JsonParser().parse(second)));

        byte[] xml = get(path + "?format=cyclonedx-xml", admin).body();
        HttpResponse<String> fromXml = post(path, xml, "application/vnd.cyclonedx+xml", dev);
        assertEquals(201, fromXml.statusCode(), fromXml.body());
        assertEquals("cyclonedx-xml", JSON.readTree(fromXml.body()).get("format").asText());
        assertEquals(identities(new JsonParser().parse(first)), identities(new JsonParser().parse(get(path, admin).body())),
                "through XML too");

        String small = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":[{\"type\":"
                + "\"library\",\"name\":\"left-pad\",\"version\":\"1.3.0\",\"purl\":\"pkg:npm/left-pad@1.3.0\"}]}";
        assertEquals(201, post(path, small.getBytes(), "application/json", dev).statusCode());
        Bom replaced = new JsonParser().parse(get(path, admin).body());
        assertEquals(List.of("left-pad"), replaced.getComponents().stream().map(Component::getName).toList(),
                "a re-import replaces the previous one");
    }

    @Test
    void badRequestsAreRefusedWithTheReason() throws Exception {
        HttpResponse<byte[]> format = get(SBOM + "?format=pdf", admin);
        assertEquals(400, format.statusCode());
        assertTrue(new String(format.body()).contains("cyclonedx-json, cyclonedx-xml, spdx-json"),
                new String(format.body()));
        HttpResponse<byte[]> unknown = get("/api/v1/applications/shop/components/checkout/versions/9.9.9/sbom", admin);
        assertEquals(404, unknown.statusCode());
        assertTrue(new String(unknown.body()).contains("no version '9.9.9'"));
        HttpResponse<String> invalid = post(SBOM, ("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":"
                + "[{\"type\":\"library\"}]}").getBytes(), "application/json", dev);
        assertEquals(400, invalid.statusCode());
        assertTrue(invalid.body().contains("does not validate against the CycloneDX schema"), invalid.body());
        HttpResponse<String> csv = post(SBOM, "a,b".getBytes(), "text/csv", dev);
        assertEquals(400, csv.statusCode());
        assertTrue(csv.body().contains("application/vnd.cyclonedx+json"), csv.body());
    }

    @Test
    void anApplicationNameInSeveralTeamsNeedsTheTeamToBeNamed() throws Exception {
        long shop = TeamUsers.team(app, "default");
        long payments = JSON.readTree(app.get("/api/v1/teams", admin).body()).findValues("id").stream()
                .mapToLong(JsonNode::asLong).filter(id -> id != shop).max().orElseThrow();
        version(shop, "billing", "api", "2.0.0");
        version(payments, "billing", "api", "2.0.0");
        String path = "/api/v1/applications/billing/components/api/versions/2.0.0/sbom";
        HttpResponse<byte[]> both = get(path, admin);
        assertEquals(400, both.statusCode());
        assertTrue(new String(both.body()).contains("add ?team=ID"), new String(both.body()));
        assertEquals(200, get(path + "?team=" + payments, admin).statusCode());
        assertEquals(200, get(path, outsider).statusCode(), "a member of one of them sees only theirs");
        assertEquals(404, get(path + "?team=" + shop, outsider).statusCode());
    }

    @Test
    void viewersReadDevelopersImportAndOtherTeamsSeeNothing() throws Exception {
        assertEquals(200, get(SBOM, viewer).statusCode());
        HttpResponse<String> viewerImport = post(SBOM, syft(), "application/json", viewer);
        assertEquals(403, viewerImport.statusCode(), viewerImport.body());
        HttpResponse<byte[]> hidden = get(SBOM, outsider);
        assertEquals(404, hidden.statusCode(), "another team's version is as if it did not exist");
        assertEquals(404, post(SBOM, syft(), "application/json", outsider).statusCode());
    }
}
