package dev.telltale.ui.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.api.EventJson;
import dev.telltale.audit.AuditLog;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.store.BadQueryException;
import dev.telltale.store.Cursor;
import dev.telltale.store.EventHit;
import dev.telltale.store.EventQuery;
import dev.telltale.store.EventStore;
import dev.telltale.store.Scope;
import dev.telltale.store.SearchPage;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * Every event of a search, streamed as CSV or JSON lines: the store is read a page at a time with
 * its cursor, each page written out before the next is read, so an export of a million events holds
 * one page in memory. JSON lines are the API's rendering; CSV cells are quoted (RFC 4180) and cells
 * a spreadsheet would run as formulas are defused. Exports move data out of the appliance, so each
 * is audited (before the first byte leaves).
 */
final class EventExport {
    /** The most rows one export writes; the page says so. */
    static final int MAX_ROWS = 1_000_000;
    static final String CSV_HEADER = "time,received,uid,id,type,team,app,component,version,host,agent,pid,tid,summary,fields";
    private static final int BATCH = EventQuery.MAX_LIMIT;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private final EventStore store;
    private final AuditLog audit;
    private final Clock clock;

    EventExport(EventStore store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    void send(ServerRequest req, ServerResponse res) {
        Access a = req.context().get(Access.class).orElseThrow();
        SearchParams s = SearchParams.read(req.query(), clock.millis());
        String format = req.query().first("format").orElse("csv");
        if (!format.equals("csv") && !format.equals("jsonl")) {
            throw new UiException(400, "An export is CSV or JSON lines (format=csv or format=jsonl).");
        }
        if (!s.valid()) {
            throw new UiException(400, "The export's time range is not valid: " + String.join(" ", s.errors().values()));
        }
        Scope scope = a.scope(Permission.EVENTS_VIEW);
        SearchPage first;
        try {
            first = store.search(s.query(BATCH, scope, false));
        } catch (BadQueryException e) {
            throw new UiException(400, "The query does not parse: " + e.getMessage() + ".");
        }
        audit.record(a.username(), "events.export", "events", Optional.of(format + ", " + s.describeRange()
                + (s.q().isEmpty() ? ", all events" : ", query: " + s.q())));
        Views.headers(res);
        res.header(HeaderNames.CONTENT_TYPE, format.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"telltale-events-"
                + STAMP.format(Instant.ofEpochMilli(clock.millis())) + "." + format + "\"");
        try (OutputStream out = res.outputStream();
             Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024)) {
            write(s, scope, first, format.equals("csv"), w);
        } catch (IOException e) {
            throw new UncheckedIOException("the export was interrupted", e);
        }
    }

    /** Writes the first page and every following one, up to {@link #MAX_ROWS}. */
    private void write(SearchParams s, Scope scope, SearchPage first, boolean csv, Writer w) throws IOException {
        if (csv) {
            w.write(CSV_HEADER);
            w.write('\n');
        }
        long rows = 0;
        SearchPage page = first;
        while (true) {
            for (EventHit h : page.hits()) {
                if (rows++ == MAX_ROWS) {
                    return;
                }
                ObjectNode j = EventJson.render(h);
                w.write(csv ? csv(j) : j.toString());
                w.write('\n');
            }
            Optional<Cursor> next = page.next();
            if (next.isEmpty() || page.hits().isEmpty()) {
                return;
            }
            page = store.search(new EventQuery(s.q(), s.fromUs(), s.toUs(), BATCH, next, scope));
        }
    }

    /** One CSV line in the order of {@link #CSV_HEADER}. */
    static String csv(JsonNode j) {
        List<String> cells = List.of(j.path("time").asText(), j.path("received").asText(), j.path("uid").asText(),
                j.path("id").asText(), j.path("type").asText(), j.path("team").asText(), j.path("app").asText(),
                j.path("component").asText(), j.path("version").asText(), j.path("host").asText(),
                j.path("agent").asText(), j.path("pid").asText(), j.path("tid").asText(""), EventText.summary(j),
                j.path("fields").toString());
        StringBuilder sb = new StringBuilder(256);
        for (String c : cells) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(cell(c));
        }
        return sb.toString();
    }

    /** RFC 4180 quoting; a leading = + - @ (or tab, CR) is prefixed with ' so spreadsheets do not run it as a formula. */
    static String cell(String s) {
        String v = !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        return "\"" + v.replace("\"", "\"\"") + "\"";
    }
}
