package dev.telltale.ui.admin;

import dev.telltale.audit.AuditLog;
import dev.telltale.rbac.RouteTable;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit log, newest first, filtered by actor, action and a time range (UTC), a page at a
 * time going back by row id, with links to the CSV and JSON Lines export of the same filter
 * (the audit API streams those whole).
 */
final class AuditView {
    static final int PAGE = 50;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    /** Common actions, offered as suggestions (the filter takes any action name). */
    static final List<String> ACTIONS = List.of("user.login", "user.login_failed", "user.locked", "user.create",
            "user.password_change", "team.create", "team.member.set", "team.member.remove", "client.create",
            "client.revoke", "run_token.create", "run_token.revoke", "policy.create", "policy.update", "policy.delete",
            "policy.assign", "policy.default", "alert.transition", "alert.comment", "sbom.import");
    private final Views views;
    private final RouteTable routes;
    private final AuditLog log;

    AuditView(Views views, RouteTable routes, AuditLog log) {
        this.views = views;
        this.routes = routes;
        this.log = log;
    }

    /** One row as shown. */
    record Row(long id, String at, String actor, String action, String target, String detail, String source) {
    }

    /** The filter as typed, to fill the form again. */
    record Filter(String actor, String action, String from, String to) {
    }

    void show(ServerRequest req, ServerResponse res) {
        Filter f = new Filter(param(req, "actor"), param(req, "action"), param(req, "from"), param(req, "to"));
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Instant> from = time(f.from(), "from", errors);
        Optional<Instant> to = time(f.to(), "to", errors).map(t -> t.plus(59_999, ChronoUnit.MILLIS)); // the whole minute
        Optional<Long> before = Admin.number(param(req, "before"));
        List<Row> rows = new ArrayList<>();
        boolean more = false;
        if (errors.isEmpty()) {
            List<AuditLog.Entry> entries = log.list(new AuditLog.Query(from, to, nonEmpty(f.actor()), nonEmpty(f.action()),
                    before), PAGE + 1);
            more = entries.size() > PAGE;
            entries.stream().limit(PAGE).forEach(e -> rows.add(new Row(e.id(), WHEN.format(e.at()), e.actor(), e.action(),
                    e.target(), e.detail().orElse(""), e.sourceAddress().orElse(""))));
        }
        String filter = query(f, from, to);
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Audit log"));
        m.put("filter", f);
        m.put("rows", rows);
        m.put("errors", errors);
        m.put("actions", ACTIONS);
        m.put("next", more ? "/admin/audit?" + pageQuery(f) + "before=" + rows.get(rows.size() - 1).id() : null);
        m.put("first", before.isPresent() ? "/admin/audit?" + pageQuery(f) : null);
        m.put("csv", "/api/v1/audit/export?format=csv" + filter);
        m.put("jsonl", "/api/v1/audit/export?format=jsonl" + filter);
        views.send(res, errors.isEmpty() ? 200 : 400, "admin-audit", m);
    }

    private static String param(ServerRequest req, String name) {
        return req.query().first(name).asOptional().map(String::strip).orElse("");
    }

    private static Optional<String> nonEmpty(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** A date-time field's value (as a browser's datetime-local sends it, read as UTC), or an ISO instant. */
    static Optional<Instant> time(String s, String field, Map<String, String> errors) {
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(s.endsWith("Z") ? Instant.parse(s) : LocalDateTime.parse(s).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            errors.put(field, "Enter a date and time such as 2026-03-01T14:30 (UTC).");
            return Optional.empty();
        }
    }

    /** The filter as the export API takes it: ISO instants. */
    private static String query(Filter f, Optional<Instant> from, Optional<Instant> to) {
        StringBuilder sb = new StringBuilder();
        nonEmpty(f.actor()).ifPresent(v -> sb.append("&actor=").append(enc(v)));
        nonEmpty(f.action()).ifPresent(v -> sb.append("&action=").append(enc(v)));
        from.ifPresent(v -> sb.append("&from=").append(enc(v.toString())));
        to.ifPresent(v -> sb.append("&to=").append(enc(v.toString())));
        return sb.toString();
    }

    /** The filter as this page takes it, ready for one more parameter. */
    private static String pageQuery(Filter f) {
        StringBuilder sb = new StringBuilder();
        nonEmpty(f.actor()).ifPresent(v -> sb.append("actor=").append(enc(v)).append('&'));
        nonEmpty(f.action()).ifPresent(v -> sb.append("action=").append(enc(v)).append('&'));
        nonEmpty(f.from()).ifPresent(v -> sb.append("from=").append(enc(v)).append('&'));
        nonEmpty(f.to()).ifPresent(v -> sb.append("to=").append(enc(v)).append('&'));
        return sb.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
