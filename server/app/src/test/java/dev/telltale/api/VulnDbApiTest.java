package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vulnerability database over HTTPS: an organisation Admin uploads a zip of OSV records (202
 * and a job to follow), imports the configured directory, sees the database's age and counts;
 * oversize, non-zip and wrongly typed bodies are refused with problems naming the cause.
 */
class VulnDbApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_ARCHIVE = 65_536;
    @TempDir
    static Path data;
    static RunningAppliance app;
    static HttpClient http;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createDirectories(data.resolve("osv-drop"));
        Files.write(dir.resolve("GO-2023-2102.json"), record("GO-2023-2102"));
        Files.write(dir.resolve("DSA-5343-1.json"), record("DSA-5343-1"));
        app = RunningAppliance.start(data.resolve("appliance"), "telltale:\n  vulndb:\n    max-archive-bytes: " + MAX_ARCHIVE
                + "\n    import-dir: " + dir + "\n");
        http = HttpClient.newBuilder().sslContext(app.tls()).connectTimeout(Duration.ofSeconds(5)).build();
        admin = app.apiToken();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static byte[] record(String id) throws Exception {
        try (InputStream in = VulnDbApiTest.class.getResourceAsStream("/osv/" + id + ".json")) {
            return in.readAllBytes();
        }
    }

    static byte[] zip(String... ids) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String id : ids) {
                zip.putNextEntry(new ZipEntry("advisories/" + id + ".json"));
                zip.write(id.equals("broken") ? "{\"id\":".getBytes() : record(id));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    static HttpResponse<String> upload(String query, String type, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance().httpsPort()
                        + "/api/v1/vulndb/import" + query)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode await(long id) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> r = app.get("/api/v1/vulndb/imports/" + id, admin);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode job = JSON.readTree(r.body());
            if (!List.of("QUEUED", "RUNNING").contains(job.get("state").asText())) {
                return job;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("import " + id + " did not finish");
    }

    @Test
    void anUploadedZipIsImportedInTheBackgroundWithProgress() throws Exception {
        HttpResponse<String> r = upload("", "application/zip", zip("GHSA-jfh8-c2jp-5v3q", "GHSA-j8r2-6x86-q33q", "broken"));
        assertEquals(202, r.statusCode(), r.body());
        JsonNode queued = JSON.readTree(r.body());
        long id = queued.get("id").asLong();
        assertEquals("/api/v1/vulndb/imports/" + id, r.headers().firstValue("location").orElseThrow());
        assertEquals("upload", queued.get("source").asText());
        assertEquals("admin", queued.get("actor").asText());

        JsonNode job = await(id);
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        assertEquals(3, job.get("total").asInt());
        assertEquals(3, job.get("processed").asInt());
        assertEquals(2, job.get("imported").asInt());
        assertEquals(1, job.get("invalid").asInt());
        assertEquals("advisories/broken.json", job.get("invalid_samples").get(0).get("record").asText());
        assertTrue(job.get("invalid_samples").get(0).get("reason").asText().startsWith("malformed JSON"), job.toString());

        JsonNode status = JSON.readTree(app.get("/api/v1/vulndb", admin).body());
        assertTrue(status.get("advisories").asLong() >= 2, status.toString());
        assertEquals(1, status.get("ecosystems").get("Maven").asLong());
        assertEquals(1, status.get("ecosystems").get("PyPI").asLong());
        assertTrue(status.hasNonNull("newest_modified") && status.hasNonNull("last_import"), status.toString());
        assertTrue(status.get("latest_job").get("id").asLong() >= id);
        assertTrue(app.get("/api/v1/audit", admin).body().contains("vulndb.import"), "imports are audited");
    }

    @Test
    void onlyOrganisationAdminsImportAndSeeWhoDid() throws Exception {
        String first = "a first password 123";
        String second = "another long password";
        assertEquals(201, app.post("/api/v1/users", "{\"username\":\"dev\",\"password\":\"" + first + "\"}", admin).statusCode());
        String initial = JSON.readTree(app.post("/api/v1/auth/token", "{\"username\":\"dev\",\"password\":\"" + first
                + "\"}", null).body()).get("access_token").asText();
        assertEquals(204, app.post("/api/v1/me/password", "{\"current_password\":\"" + first + "\",\"new_password\":\""
                + second + "\"}", initial).statusCode());
        String user = JSON.readTree(app.post("/api/v1/auth/token", "{\"username\":\"dev\",\"password\":\"" + second
                + "\"}", null).body()).get("access_token").asText();

        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                        + app.appliance().httpsPort() + "/api/v1/vulndb/import")).header("Authorization", "Bearer " + user)
                .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofByteArray(zip("GO-2023-2102")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, refused.statusCode(), refused.body());
        HttpResponse<String> status = app.get("/api/v1/vulndb", user);
        assertEquals(200, status.statusCode(), "every signed-in user may see the database's age");
        JsonNode job = JSON.readTree(status.body()).get("latest_job");
        assertTrue(job.has("state") && !job.has("actor") && !job.has("invalid_samples"), job.toString());
    }

    @Test
    void theConfiguredDirectoryIsImportedAtStartAndOnRequest() throws Exception {
        HttpResponse<String> r = upload("?source=dir", "application/json", new byte[0]);
        assertEquals(202, r.statusCode(), r.body());
        JsonNode job = await(JSON.readTree(r.body()).get("id").asLong());
        assertEquals("directory", job.get("source").asText());
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        assertEquals(2, job.get("total").asInt());
        assertEquals(2, job.get("skipped").asInt(), "the start-up import already stored both");
        JsonNode status = JSON.readTree(app.get("/api/v1/vulndb", admin).body());
        assertEquals(1, status.get("ecosystems").get("Go").asLong());
        assertEquals(1, status.get("ecosystems").get("Debian").asLong());
    }

    @Test
    void badUploadsAreRefusedWithAProblemNamingTheCause() throws Exception {
        byte[] big = new byte[MAX_ARCHIVE + 1];
        big[0] = 'P';
        big[1] = 'K';
        big[2] = 3;
        big[3] = 4;
        HttpResponse<String> tooLarge = upload("", "application/zip", big);
        assertEquals(413, tooLarge.statusCode(), tooLarge.body());
        assertTrue(tooLarge.body().contains("max-archive-bytes"), tooLarge.body());

        HttpResponse<String> notZip = upload("", "application/zip", record("GO-2023-2102"));
        assertEquals(400, notZip.statusCode(), notZip.body());
        assertTrue(notZip.body().contains("not a zip archive"), notZip.body());

        HttpResponse<String> json = upload("", "application/json", record("GO-2023-2102"));
        assertEquals(415, json.statusCode(), json.body());

        HttpResponse<String> source = upload("?source=ftp", "application/zip", zip("GO-2023-2102"));
        assertEquals(400, source.statusCode(), source.body());
        assertTrue(source.body().contains("'source'"), source.body());

        assertEquals(404, app.get("/api/v1/vulndb/imports/999999", admin).statusCode());
        assertEquals(400, app.get("/api/v1/vulndb/imports/abc", admin).statusCode());
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                        + app.appliance().httpsPort() + "/api/v1/vulndb/import")).header("Content-Type", "application/zip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zip("GO-2023-2102"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), "anonymous uploads are refused");
    }
}
