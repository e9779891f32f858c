package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Severity;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertsApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicLong UIDS = new AtomicLong(1);

    @TempDir
    static Path data;
    static RunningAppliance app;
    static long team;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        team = Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM teams WHERE name = 'default'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** Records findings the way the policy engine will: inside a transaction of its own. */
    static void seed(List<Finding> findings) {
        Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            app.appliance().alerts().record(c, findings);
            return null;
        });
    }

    static Finding finding(String component, String version, String rule, Severity severity, String host, Instant t) {
        long uid = UIDS.getAndIncrement();
        return new Finding(team, "shop", component, version, host, rule, severity, "/etc/shadow", "read of /etc/shadow",
                uid, t, 3, 100 + uid, "standard");
    }

    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertTrue(r.statusCode() / 100 == 2, r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    static JsonNode get(String path) throws Exception {
        return ok(app.get(path, app.apiToken()));
    }

    static void problem(int status, HttpResponse<String> r, String detailPart) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        String detail = JSON.readTree(r.body()).get("detail").asText();
        assertTrue(detail.contains(detailPart), detail);
    }

    static long alertOf(String component) throws Exception {
        return get("/api/v1/alerts?component=" + component).get("alerts").get(0).get("id").asLong();
    }

    @Test
    void listFiltersAndPagesNewestFirst() throws Exception {
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);
        seed(List.of(finding("list-a", "1", "files.credential-read", Severity.P1, "h1", t),
                finding("list-b", "1", "files.credential-read", Severity.P3, "h1", t.plusSeconds(60)),
                finding("list-c", "1", "net.listen-any", Severity.P2, "h1", t.plusSeconds(120))));
        JsonNode all = get("/api/v1/alerts?app=shop&from=" + t + "&to=" + t.plusSeconds(121));
        List<String> components = new ArrayList<>();
        all.get("alerts").forEach(a -> components.add(a.get("component").asText()));
        assertEquals(List.of("list-c", "list-b", "list-a"), components);
        JsonNode first = all.get("alerts").get(2);
        assertEquals("files.credential-read", first.get("rule").asText());
        assertEquals("P1", first.get("severity").asText());
        assertEquals(1, first.get("states").get("REPORTED").asInt());
        assertEquals(1, get("/api/v1/alerts?severity=P1&component=list-a").get("alerts").size());
        assertEquals(0, get("/api/v1/alerts?severity=P2&component=list-a").get("alerts").size());
        assertEquals(2, get("/api/v1/alerts?severity=P1,P3&from=" + t + "&to=" + t.plusSeconds(121)).get("alerts").size());
        assertEquals(2, get("/api/v1/alerts?severity=P1&severity=P2&from=" + t + "&to=" + t.plusSeconds(121))
                .get("alerts").size());
        assertEquals(1, get("/api/v1/alerts?rule=net.listen-any&from=" + t).get("alerts").size());
        assertEquals(0, get("/api/v1/alerts?app=other&component=list-a").get("alerts").size());
        assertEquals(0, get("/api/v1/alerts?state=ACKNOWLEDGED&component=list-a").get("alerts").size());
        assertEquals(1, get("/api/v1/alerts?state=reported&component=list-a").get("alerts").size());

        JsonNode page1 = get("/api/v1/alerts?limit=2&from=" + t + "&to=" + t.plusSeconds(121));
        assertEquals(2, page1.get("alerts").size());
        JsonNode page2 = get("/api/v1/alerts?limit=2&from=" + t + "&to=" + t.plusSeconds(121) + "&after="
                + page1.get("next").asText());
        assertEquals("list-a", page2.get("alerts").get(0).get("component").asText());
        assertTrue(page2.get("next").isNull());

        JsonNode bySeverity = get("/api/v1/alerts?sort=severity&from=" + t + "&to=" + t.plusSeconds(121));
        assertEquals("list-a", bySeverity.get("alerts").get(0).get("component").asText(), "P1 first");
        assertEquals("list-b", bySeverity.get("alerts").get(2).get("component").asText(), "P3 last");

        String api = app.apiToken();
        problem(400, app.get("/api/v1/alerts?sort=oldest", api), "'sort' must be last_seen or severity");
        problem(400, app.get("/api/v1/alerts?sort=severity&after=" + page1.get("next").asText(), api), "cursor");
        problem(400, app.get("/api/v1/alerts?severity=P9", api), "'severity' must be P1, P2, P3 or P4");
        problem(400, app.get("/api/v1/alerts?state=DONE", api), "'state' must be");
        problem(400, app.get("/api/v1/alerts?limit=0", api), "'limit' must be between 1 and 500");
        problem(400, app.get("/api/v1/alerts?limit=501", api), "'limit'");
        problem(400, app.get("/api/v1/alerts?after=nonsense", api), "not a valid cursor");
        problem(400, app.get("/api/v1/alerts?from=yesterday", api), "'from'");
        problem(400, app.get("/api/v1/alerts?rule=" + "r".repeat(65), api), "'rule' must be 1 to 64");
        assertEquals(401, app.get("/api/v1/alerts", null).statusCode());
    }

    @Test
    void oneAlertInFullAndItsEvidence() throws Exception {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<Finding> fs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            fs.add(finding("detail", i < 5 ? "1.0" : "1.1", "files.credential-read", Severity.P2, "h" + (i % 2),
                    t.plusMillis(i)));
        }
        seed(fs);
        long id = alertOf("detail");
        JsonNode a = get("/api/v1/alerts/" + id);
        assertEquals(7, a.get("events").asInt());
        assertEquals("[\"1.0\",\"1.1\"]", a.get("versions").toString());
        assertEquals(2, a.get("occurrences").size());
        assertEquals(2, a.get("hosts").size());
        assertEquals("REPORTED", a.get("occurrences").get(1).get("state").asText());
        assertTrue(a.get("occurrences").get(1).get("carried_from").isNull(), "nothing to carry from a REPORTED one");
        assertEquals(2, a.get("history").size());
        assertEquals("system", a.get("history").get(0).get("actor").asText());
        assertTrue(a.get("comments").isEmpty());

        Set<Long> uids = new HashSet<>();
        JsonNode page = get("/api/v1/alerts/" + id + "/evidence?limit=4");
        assertEquals(4, page.get("evidence").size());
        JsonNode newest = page.get("evidence").get(0);
        assertEquals(fs.get(6).eventUid(), newest.get("event_uid").asLong());
        assertEquals("/api/v1/events/" + fs.get(6).eventUid() + "?at=" + fs.get(6).eventTime(), newest.get("event").asText());
        assertEquals("h0", newest.get("host").asText());
        assertEquals("read of /etc/shadow", newest.get("summary").asText());
        page.get("evidence").forEach(e -> uids.add(e.get("event_uid").asLong()));
        JsonNode rest = get("/api/v1/alerts/" + id + "/evidence?limit=4&after=" + page.get("next").asText());
        rest.get("evidence").forEach(e -> uids.add(e.get("event_uid").asLong()));
        assertTrue(rest.get("next").isNull());
        assertEquals(7, uids.size(), "every event is evidence");

        long newer = a.get("occurrences").get(1).get("id").asLong();
        assertEquals(2, get("/api/v1/alerts/" + id + "/evidence?occurrence=" + newer).get("evidence").size());

        String api = app.apiToken();
        problem(400, app.get("/api/v1/alerts/abc", api), "alert id must be a positive whole number");
        problem(404, app.get("/api/v1/alerts/99999999", api), "no alert 99999999");
        problem(404, app.get("/api/v1/alerts/99999999/evidence", api), "no alert");
        problem(400, app.get("/api/v1/alerts/" + id + "/evidence?occurrence=x", api), "occurrence");
        problem(404, app.get("/api/v1/alerts/" + id + "/evidence?occurrence=99999999", api), "has no occurrence");
        problem(400, app.get("/api/v1/alerts/" + id + "/evidence?limit=1001", api), "'limit'");
    }

    @Test
    void triageThroughTheApi() throws Exception {
        seed(List.of(finding("triage", "2.0", "files.credential-read", Severity.P2, "h", Instant.now())));
        long id = alertOf("triage");
        long occ = get("/api/v1/alerts/" + id).get("occurrences").get(0).get("id").asLong();
        String base = "/api/v1/alerts/" + id + "/occurrences/" + occ;
        String api = app.apiToken();

        JsonNode acked = ok(app.post(base + "/transitions", "{\"to\":\"ACKNOWLEDGED\",\"comment\":\"on it\"}", api));
        assertEquals("ACKNOWLEDGED", acked.get("state").asText());
        assertEquals(1, get("/api/v1/alerts?state=ACKNOWLEDGED&component=triage").get("alerts").size());
        problem(409, app.post(base + "/transitions", "{\"to\":\"ACKNOWLEDGED\"}", api), "already ACKNOWLEDGED");
        problem(409, app.post(base + "/transitions", "{\"to\":\"FIXED\"}", api), "cannot be set by hand");
        problem(400, app.post(base + "/transitions", "{\"to\":\"CLOSED\"}", api), "'to' must be one of");
        problem(400, app.post(base + "/transitions", "{\"comment\":\"x\"}", api), "'to' is required");
        problem(400, app.post(base + "/transitions", "{\"to\":\"RISK_ACCEPTED\"}", api), "needs an expiry");
        problem(400, app.post(base + "/transitions", "{\"to\":\"RISK_ACCEPTED\",\"expires_at\":\"2020-01-01T00:00:00Z\"}",
                api), "not in the future");
        problem(400, app.post(base + "/transitions", "{\"to\":\"RISK_ACCEPTED\",\"expires_at\":\"soon\"}", api),
                "'expires_at' must be an ISO-8601 instant");
        problem(400, app.post(base + "/transitions", "{\"to\":\"NOT_AN_ISSUE\",\"comment\":\"" + "x".repeat(4001) + "\"}",
                api), "1 to 4000 characters");
        problem(404, app.post("/api/v1/alerts/" + id + "/occurrences/99999999/transitions", "{\"to\":\"REPORTED\"}", api),
                "has no occurrence");
        problem(404, app.post("/api/v1/alerts/99999999/occurrences/" + occ + "/transitions", "{\"to\":\"REPORTED\"}",
                api), "no alert");
        problem(400, app.post("/api/v1/alerts/" + id + "/occurrences/-1/transitions", "{\"to\":\"REPORTED\"}", api),
                "occurrence id");

        String until = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        JsonNode accepted = ok(app.post(base + "/transitions", "{\"to\":\"risk_accepted\",\"expires_at\":\"" + until
                + "\",\"unknown\":1}", api));
        assertEquals("RISK_ACCEPTED", accepted.get("state").asText());
        assertEquals(until, accepted.get("expires_at").asText());

        HttpResponse<String> c = app.post(base + "/comments", "{\"text\":\"accepted until the vendor ships a fix\"}", api);
        assertEquals(201, c.statusCode(), c.body());
        assertEquals("admin", JSON.readTree(c.body()).get("actor").asText());
        problem(400, app.post(base + "/comments", "{\"text\":\"  \"}", api), "not blank");
        problem(400, app.post(base + "/comments", "{}", api), "'text' is required");

        JsonNode a = get("/api/v1/alerts/" + id);
        assertEquals(3, a.get("history").size());
        assertEquals("on it", a.get("history").get(1).get("comment").asText());
        assertEquals("admin", a.get("history").get(2).get("actor").asText());
        assertEquals(until, a.get("history").get(2).get("expires_at").asText());
        assertEquals(1, a.get("comments").size());
    }
}
