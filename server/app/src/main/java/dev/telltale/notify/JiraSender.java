package dev.telltale.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.alerts.AlertNotFoundException;
import dev.telltale.alerts.Alerts;
import dev.telltale.alerts.InvalidTransitionException;
import dev.telltale.alerts.TriageState;
import dev.telltale.db.Sql;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Jira over its REST API (v2 or v3): one issue per new alert occurrence, linked in
 * {@code jira_links}; the occurrence then becomes ACKNOWLEDGED by actor {@code jira} with the
 * issue in the comment. An occurrence that already has an issue is not sent again. A test
 * delivery reads {@code /myself}, which checks the address and the credentials.
 */
final class JiraSender implements Sender {
    private static final Logger LOG = Logger.getLogger(JiraSender.class.getName());
    static final String ACTOR = "jira";

    private final DataSource ds;
    private final Http http;
    private final Alerts alerts;
    private final Clock clock;

    JiraSender(DataSource ds, Http http, Alerts alerts, Clock clock) {
        this.ds = ds;
        this.http = http;
        this.alerts = alerts;
        this.clock = clock;
    }

    @Override
    public Result send(Integrations.Stored target, Outbox.Outgoing o) throws InterruptedException {
        try {
            if (o.kind() == EventKind.TEST) {
                Http.Response r = http.send("GET", api(target, "myself"), headers(target), Optional.empty());
                return new Result(r.ok(), "HTTP " + r.status());
            }
            if (o.kind() != EventKind.NEW_ALERT) {
                return Result.ok("not an alert occurrence: nothing for Jira");
            }
            long alertId = o.data().path("alert_id").asLong();
            long occurrenceId = o.data().path("occurrence_id").asLong();
            Optional<String> existing = Sql.inTransaction(ds, c -> JiraLinks.keyOf(c, occurrenceId, target.view().id()));
            if (existing.isPresent()) {
                return Result.ok("issue " + existing.get() + " exists");
            }
            byte[] body = issue(target, o).toString().getBytes(StandardCharsets.UTF_8);
            Http.Response r = http.send("POST", api(target, "issue"), headers(target), Optional.of(body));
            if (!r.ok()) {
                return Result.failed("HTTP " + r.status() + " " + errors(r.body()));
            }
            String key = Outbox.parse(r.body()).path("key").asText("");
            if (!key.matches("[A-Z][A-Z0-9_]*-[0-9]+")) {
                return Result.failed("HTTP " + r.status() + " without an issue key");
            }
            String url = site(target) + "/browse/" + key;
            Sql.inTransaction(ds, c -> {
                JiraLinks.insert(c, alertId, occurrenceId, target.view().id(), key, url, clock.instant());
                return null;
            });
            acknowledge(alertId, occurrenceId, key, url);
            return Result.ok("HTTP " + r.status() + " issue " + key);
        } catch (IOException | IllegalArgumentException e) {
            return Result.failed(Sender.describe(e, target));
        }
    }

    private void acknowledge(long alertId, long occurrenceId, String key, String url) {
        try {
            alerts.transition(alertId, occurrenceId, TriageState.ACKNOWLEDGED,
                    Optional.of("Jira issue " + key + ": " + url), Optional.empty(), ACTOR);
        } catch (InvalidTransitionException | AlertNotFoundException e) {
            // Someone triaged it first (or it is gone): the issue stays linked, the person's state stands.
            LOG.fine(() -> "occurrence " + occurrenceId + " not acknowledged for " + key + ": " + e.getMessage());
        }
    }

    /** Reads each linked issue's status again; issues Jira no longer shows keep their last status. */
    void refresh(Integrations.Stored target) {
        List<Notify.Ticket> tickets = Sql.inTransaction(ds, c -> JiraLinks.list(c, target.view().id()));
        for (Notify.Ticket t : tickets) {
            try {
                Http.Response r = http.send("GET", api(target, "issue/" + URLEncoder.encode(t.key(),
                        StandardCharsets.UTF_8) + "?fields=status"), headers(target), Optional.empty());
                if (r.ok()) {
                    String status = Outbox.parse(r.body()).path("fields").path("status").path("name").asText("");
                    if (!status.isEmpty()) {
                        Sql.inTransaction(ds, c -> {
                            JiraLinks.status(c, target.view().id(), t.key(), status, clock.instant());
                            return null;
                        });
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.warning(() -> "reading Jira issue " + t.key() + " failed: " + Sender.describe(e, target));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static ObjectNode issue(Integrations.Stored target, Outbox.Outgoing o) {
        String text = Messages.title(o) + "\n" + Messages.where(o) + "\nAlert key: " + o.data().path("key").asText()
                + Messages.link(o).map(l -> "\nIn Telltale: " + l).orElse("");
        ObjectNode root = Outbox.JSON.createObjectNode();
        ObjectNode f = root.putObject("fields");
        f.putObject("project").put("key", target.setting("project_key"));
        f.putObject("issuetype").put("name", target.setting("issue_type"));
        String summary = Messages.title(o) + (o.application().map(a -> " in " + a).orElse(""));
        f.put("summary", summary.length() <= 250 ? summary : summary.substring(0, 250));
        if (target.setting("api_version").equals("3")) {
            ObjectNode doc = f.putObject("description").put("type", "doc").put("version", 1);
            var content = doc.putArray("content");
            for (String line : text.split("\n")) {
                content.addObject().put("type", "paragraph").putArray("content").addObject()
                        .put("type", "text").put("text", line);
            }
        } else {
            f.put("description", text);
        }
        f.putArray("labels").add("telltale").add("telltale-" + o.data().path("severity").asText("alert").toLowerCase(
                java.util.Locale.ROOT));
        return root;
    }

    private static URI api(Integrations.Stored t, String path) {
        return URI.create(site(t) + "/rest/api/" + t.setting("api_version") + "/" + path);
    }

    private static String site(Integrations.Stored t) {
        String u = t.view().url().orElseThrow();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    private static Map<String, String> headers(Integrations.Stored t) {
        String token = t.secrets().get("api_token").orElseThrow();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Accept", "application/json");
        h.put("Authorization", t.setting("auth").equals("bearer") ? "Bearer " + token : "Basic " + Base64.getEncoder()
                .encodeToString((t.setting("email") + ":" + token).getBytes(StandardCharsets.UTF_8)));
        return h;
    }

    /** Jira's error messages (they name fields and projects, never our token); clipped. */
    private static String errors(String body) {
        try {
            JsonNode b = Outbox.parse(body);
            String s = b.path("errorMessages").toString() + " " + b.path("errors").toString();
            return Deliveries.clip(s.length() > 300 ? s.substring(0, 300) : s);
        } catch (RuntimeException e) {
            return "";
        }
    }
}
