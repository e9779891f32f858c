package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.audit.AuditLog;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code /api/v1/audit} (organisation Admins): the audit log newest first with filters
 * {@code from}, {@code to}, {@code actor}, {@code action}, {@code limit}, {@code before}; and
 * {@code /api/v1/audit/export?format=csv|jsonl} with the same filters, streamed whole.
 */
final class AuditApi implements HttpService {
    private final AuditLog log;
    private final Clock clock;

    AuditApi(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).get("/export", this::export);
    }

    private AuditLog.Query query(ServerRequest req) {
        Parameters p = req.query();
        long now = clock.millis();
        Optional<Instant> from = p.first("from").asOptional().map(s -> micros(TimeParam.parse("from", s, now)));
        Optional<Instant> to = p.first("to").asOptional().map(s -> micros(TimeParam.parse("to", s, now)));
        Optional<Long> before = p.first("before").asOptional().map(s -> {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw ApiProblem.badRequest("'before' must be an audit row id");
            }
        });
        return new AuditLog.Query(from, to, p.first("actor").asOptional(), p.first("action").asOptional(), before);
    }

    private static Instant micros(long us) {
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000), Math.floorMod(us, 1_000_000) * 1000L);
    }

    private void list(ServerRequest req, ServerResponse res) {
        int limit = req.query().first("limit").asOptional().map(s -> EventsApi.intParam("limit", s)).orElse(100);
        if (limit < 1 || limit > 1000) {
            throw ApiProblem.badRequest("limit must be between 1 and 1000");
        }
        ArrayNode arr = Json.MAPPER.createArrayNode();
        var rows = log.list(query(req), limit);
        rows.forEach(e -> arr.add(json(e)));
        ObjectNode out = Json.object().set("entries", arr);
        if (rows.size() == limit) {
            out.put("next_before", rows.get(rows.size() - 1).id());
        } else {
            out.putNull("next_before");
        }
        Json.send(res, out);
    }

    private static ObjectNode json(AuditLog.Entry e) {
        ObjectNode o = Json.object().put("id", e.id()).put("at", e.at().toString()).put("actor", e.actor())
                .put("action", e.action()).put("target", e.target());
        e.detail().ifPresent(d -> o.put("detail", d));
        e.sourceAddress().ifPresent(a -> o.put("source_address", a));
        return o;
    }

    private void export(ServerRequest req, ServerResponse res) {
        String format = req.query().first("format").asOptional().orElse("jsonl");
        if (!format.equals("csv") && !format.equals("jsonl")) {
            throw ApiProblem.badRequest("'format' must be csv or jsonl");
        }
        AuditLog.Query q = query(req);
        res.header(HeaderNames.CONTENT_TYPE, format.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"telltale-audit." + format + "\"");
        try (OutputStream out = res.outputStream()) {
            if (format.equals("csv")) {
                out.write("id,at,actor,action,target,detail,source_address\n".getBytes(StandardCharsets.UTF_8));
            }
            log.export(q, e -> {
                try {
                    String line = format.equals("csv") ? csv(e) : json(e).toString();
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException x) {
                    throw new UncheckedIOException(x);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String csv(AuditLog.Entry e) {
        return String.join(",", String.valueOf(e.id()), e.at().toString(), cell(e.actor()), cell(e.action()),
                cell(e.target()), cell(e.detail().orElse("")), cell(e.sourceAddress().orElse("")));
    }

    /** RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets do not run it as a formula. */
    private static String cell(String s) {
        String v = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        return "\"" + v.replace("\"", "\"\"") + "\"";
    }
}
