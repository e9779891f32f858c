package dev.telltale.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Severity;
import dev.telltale.store.Scope;
import dev.telltale.testing.HttpsReceiver;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.testing.SyslogTlsListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slack, Jira and syslog/CEF against real local receivers: a fake Slack endpoint, a
 * Jira-REST-compatible server, and a syslog listener on TLS with its own CA.
 */
class NotifyChannelsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JIRA_TOKEN = "jira-api-token-7d7d7d7d";
    static final AtomicLong UIDS = new AtomicLong(1);

    @TempDir
    static Path data;
    static RunningAppliance app;
    static HttpsReceiver receiver;
    static String token;
    static long team;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpsReceiver.start(data.resolve("receiver"));
        receiver.answer(NotifyChannelsTest::jira);
        app = RunningAppliance.start(data.resolve("appliance"), "telltale:\n  notify:\n    poll-interval: PT0.05S\n"
                + "    retry-base: PT0.05S\n    retry-max: PT0.2S\n    trusted-ca-file: " + receiver.caFile() + "\n");
        token = app.apiToken();
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
        receiver.close();
    }

    /** A Jira site as far as the appliance uses it: create issue, read its status, who am I. */
    static HttpsReceiver.Answer jira(HttpsReceiver.Request r) {
        if (r.method().equals("POST") && r.path().matches("/jira[23]/rest/api/[23]/issue")) {
            return new HttpsReceiver.Answer(201, "{\"id\":\"10001\",\"key\":\"SEC-" + UIDS.incrementAndGet()
                    + "\",\"self\":\"https://jira.example/rest/api/2/issue/10001\"}");
        }
        if (r.method().equals("GET") && r.path().matches("/jira[23]/rest/api/[23]/issue/SEC-\\d+\\?fields=status")) {
            return new HttpsReceiver.Answer(200, "{\"fields\":{\"status\":{\"name\":\"In Progress\"}}}");
        }
        if (r.path().matches("/jira[23]/rest/api/[23]/myself")) {
            return new HttpsReceiver.Answer(200, "{\"accountId\":\"x\"}");
        }
        return new HttpsReceiver.Answer(200, "ok");
    }

    static void seed(String component, Severity severity) {
        seed("shop", component, severity);
    }

    static void seed(String application, String component, Severity severity) {
        long uid = UIDS.getAndIncrement() + 1000;
        Finding f = new Finding(team, application, component, "2.0", "host-1", "files.credential-read", severity,
                "/etc/shadow|x", "read of /etc/shadow", uid, Instant.now(), 3, 100 + uid, "standard");
        Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            app.appliance().alerts().record(c, List.of(f));
            return null;
        });
    }

    static JsonNode create(String json) throws Exception {
        HttpResponse<String> r = app.post("/api/v1/integrations", json, token);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void slackGetsAFormattedMessageWithSeverityAndLink() throws Exception {
        String url = receiver.url("/services/T000/B000/slacksecretpath");
        JsonNode slack = create("{\"type\":\"slack\",\"name\":\"sec-channel\",\"events\":[\"new_alert\"],"
                + "\"applications\":[\"shop\"],\"secrets\":{\"webhook_url\":\"" + url + "\"}}");
        assertTrue(slack.get("url").isNull(), "the Slack URL is a secret");
        assertFalse(slack.toString().contains("slacksecretpath"));
        seed("slack-comp", Severity.P1);
        HttpsReceiver.Request got = receiver.await(r -> r.path().startsWith("/services/"), 1, Duration.ofSeconds(20)).get(0);
        JsonNode m = JSON.readTree(got.body());
        assertTrue(m.get("text").asText().startsWith("[P1] New alert: "), m.toString());
        String section = m.get("blocks").get(0).get("text").get("text").asText();
        assertTrue(section.startsWith("*[P1] New alert: "), section);
        assertTrue(section.contains("application shop, component slack-comp 2.0"), section);
        assertTrue(section.matches("(?s).*<https://[^|]+/alerts/\\d+\\|Open in Telltale>.*"), section);
        assertFalse(app.get("/api/v1/integrations", token).body().contains("slacksecretpath"));
    }

    @Test
    void jiraCreatesAnIssuePerOccurrenceAcknowledgesItAndRefreshesItsStatus() throws Exception {
        JsonNode jira = create("{\"type\":\"jira\",\"name\":\"jira-sec\",\"url\":\"" + receiver.url("/jira2")
                + "\",\"events\":[\"new_alert\"],\"applications\":[\"billing\"],\"settings\":{\"project_key\":\"SEC\",\"issue_type\":\"Bug\","
                + "\"email\":\"bot@example.com\"},\"secrets\":{\"api_token\":\"" + JIRA_TOKEN + "\"}}");
        long id = jira.get("id").asLong();
        assertEquals(List.of("api_token"), JSON.convertValue(jira.get("secrets_set"), List.class));
        seed("billing", "jira-comp", Severity.P2);
        HttpsReceiver.Request created = receiver.await(r -> r.method().equals("POST") && r.path().startsWith("/jira2/"),
                1, Duration.ofSeconds(20)).get(0);
        assertEquals("Basic " + Base64.getEncoder().encodeToString(("bot@example.com:" + JIRA_TOKEN)
                .getBytes(StandardCharsets.UTF_8)), created.header("Authorization"));
        JsonNode fields = JSON.readTree(created.body()).get("fields");
        assertEquals("SEC", fields.get("project").get("key").asText());
        assertEquals("Bug", fields.get("issuetype").get("name").asText());
        assertTrue(fields.get("summary").asText().startsWith("[P2] New alert: "), fields.toString());
        assertTrue(fields.get("description").isTextual(), "API v2 takes plain text");

        JsonNode tickets = awaitTickets(id, 1);
        JsonNode t = tickets.get(0);
        assertTrue(t.get("key").asText().matches("SEC-\\d+"));
        assertEquals(receiver.url("/jira2") + "/browse/" + t.get("key").asText(), t.get("url").asText());
        JsonNode alert = JSON.readTree(app.get("/api/v1/alerts/" + t.get("alert_id").asLong(), token).body());
        JsonNode occ = alert.get("occurrences").get(0);
        assertEquals("ACKNOWLEDGED", occ.get("state").asText(), alert.toString());
        assertTrue(alert.toString().contains("\"jira\""), "acknowledged by actor jira: " + alert.get("history"));
        assertTrue(alert.toString().contains(t.get("key").asText()), "the history comment links the issue: " + alert);

        JsonNode refreshed = JSON.readTree(app.post("/api/v1/integrations/" + id + "/tickets/refresh", "{}", token)
                .body()).get("tickets");
        assertEquals("In Progress", refreshed.get(0).get("status").asText(), refreshed.toString());
        assertFalse(app.get("/api/v1/integrations/" + id, token).body().contains(JIRA_TOKEN));
        HttpResponse<String> test = app.post("/api/v1/integrations/" + id + "/test", "{}", token);
        assertEquals(202, test.statusCode());
        assertEquals(1, receiver.await(r -> r.path().equals("/jira2/rest/api/2/myself"), 1, Duration.ofSeconds(20)).size());
    }

    @Test
    void jiraCloudApiV3WithABearerTokenSendsADocumentDescription() throws Exception {
        create("{\"type\":\"jira\",\"name\":\"jira-v3\",\"url\":\"" + receiver.url("/jira3") + "\",\"events\":[\"new_alert\"],"
                + "\"applications\":[\"ops\"],\"settings\":{\"project_key\":\"OPS\",\"api_version\":\"3\",\"auth\":\"bearer\"},"
                + "\"secrets\":{\"api_token\":\"" + JIRA_TOKEN + "\"}}");
        seed("ops", "jira3-comp", Severity.P3);
        HttpsReceiver.Request created = receiver.await(r -> r.method().equals("POST") && r.path().startsWith("/jira3/"),
                1, Duration.ofSeconds(20)).get(0);
        assertEquals("/jira3/rest/api/3/issue", created.path());
        assertEquals("Bearer " + JIRA_TOKEN, created.header("Authorization"));
        JsonNode d = JSON.readTree(created.body()).get("fields").get("description");
        assertEquals("doc", d.get("type").asText());
        assertEquals("paragraph", d.get("content").get(0).get("type").asText());
    }

    @Test
    void syslogGetsCefInOctetCountedFramesOverTls() throws Exception {
        try (SyslogTlsListener siem = SyslogTlsListener.start(data.resolve("siem"))) {
            JsonNode s = create("{\"type\":\"syslog\",\"name\":\"siem\",\"events\":[\"new_alert\",\"system\"],"
                    + "\"applications\":[\"shop\"],\"settings\":{\"host\":\"localhost\",\"port\":\"" + siem.port()
                    + "\",\"ca_pem\":" + JSON.writeValueAsString(siem.caPem()) + "}}");
            assertTrue(s.get("secrets_set").isEmpty());
            seed("cef-comp", Severity.P1);
            app.appliance().notifications().system("certificate.expiry", "expires in 1 day | renew=now");
            List<String> got = siem.await(2, Duration.ofSeconds(20));
            assertEquals(2, got.size(), got.toString());
            String alert = got.stream().filter(m -> m.contains("|files.credential-read|")).findFirst().orElseThrow();
            assertTrue(alert.matches("<82>1 \\S+ \\S+ telltale - new_alert - CEF:0\\|Telltale\\|Appliance\\|[^|]+"
                    + "\\|files\\.credential-read\\|\\[P1\\] New alert: [^|]+\\|10\\|rt=\\d+ externalId=[0-9a-f-]{36} .*"),
                    alert);
            assertTrue(alert.contains("cs1Label=application cs1=shop cs2Label=component cs2=cef-comp"), alert);
            String sys = got.stream().filter(m -> m.contains("|system|")).findFirst().orElseThrow();
            assertTrue(sys.contains("certificate.expiry: expires in 1 day \\| renew=now|5|"), "header escaping: " + sys);
            assertTrue(sys.contains("msg=certificate.expiry: expires in 1 day | renew\\=now"), "extension escaping: " + sys);
        }
    }

    @Test
    void cefEscapesAsTheSpecificationSays() {
        assertEquals("a\\|b\\\\c d", Cef.header("a|b\\c\nd"));
        assertEquals("a|b\\=c\\\\d\\ne\\rf", Cef.value("a|b=c\\d\ne\rf"));
    }

    static JsonNode awaitTickets(long id, int n) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode t = JSON.readTree(app.get("/api/v1/integrations/" + id + "/tickets", token).body()).get("tickets");
            if (t.size() >= n) {
                // the acknowledgement follows the link in the same send
                Thread.sleep(200);
                return t;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no Jira ticket after 20 s: " + t);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void integrationsAreScopedToTheCallersTeams() {
        assertTrue(app.appliance().notifications().list(Scope.teams(java.util.Set.of(-1L))).isEmpty());
    }
}
