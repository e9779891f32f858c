package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.vulndb.ImportJob;
import dev.telltale.vulndb.VulnDb;
import dev.telltale.vulndb.VulnDbException;
import dev.telltale.vulndb.VulnDbStatus;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/vulndb}: the vulnerability database's status (advisories per ecosystem, age, last
 * import, latest job; its actor, error and invalid records only for those who may import); {@code POST /import} (a zip of OSV records as the body, or
 * {@code ?source=dir} for the configured directory) queues an import and answers 202 with the
 * job; {@code GET /imports/{id}} is a job's progress and outcome.
 */
final class VulnDbApi implements HttpService {
    private static final Set<String> ZIP_TYPES = Set.of("application/zip", "application/x-zip-compressed",
            "application/octet-stream");
    private final VulnDb vulnDb;

    VulnDbApi(VulnDb vulnDb) {
        this.vulnDb = vulnDb;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::status).post("/import", this::importRecords).get("/imports/{id}", this::job);
    }

    private void status(ServerRequest req, ServerResponse res) {
        VulnDbStatus s = vulnDb.status();
        ObjectNode out = Json.object().put("advisories", s.advisories());
        ObjectNode eco = out.putObject("ecosystems");
        s.perEcosystem().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> eco.put(e.getKey(), e.getValue()));
        out.put("newest_modified", s.newestModified().map(Object::toString).orElse(null));
        out.put("last_import", s.lastImport().map(Object::toString).orElse(null));
        if (s.latestJob().isPresent()) {
            // Everyone signed in may see the database's age; who imported and which records were
            // refused is for those who may import.
            boolean admin = Principal.access(req).can(dev.telltale.rbac.Permission.APPLIANCE_MANAGE);
            ObjectNode job = render(s.latestJob().get());
            if (!admin) {
                job.remove(List.of("actor", "invalid_samples", "error"));
            }
            out.set("latest_job", job);
        } else {
            out.putNull("latest_job");
        }
        Json.send(res, out);
    }

    private void importRecords(ServerRequest req, ServerResponse res) {
        String actor = Principal.access(req).username();
        String source = req.query().first("source").orElse("upload");
        ImportJob job;
        if (source.equals("dir")) {
            job = vulnDb.importDirectory(actor);
        } else if (source.equals("upload")) {
            String type = req.headers().contentType().map(t -> t.mediaType().text()).orElse("");
            if (!ZIP_TYPES.contains(type)) {
                throw new ApiProblem(415, "Unsupported Media Type",
                        "expected a zip of OSV records with Content-Type application/zip");
            }
            try (InputStream in = req.content().inputStream()) {
                job = vulnDb.importArchive(in, actor);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            throw ApiProblem.badRequest("'source' must be 'dir' or 'upload' (the body), not '" + clip(source) + "'");
        }
        res.header(HeaderNames.LOCATION, "/api/v1/vulndb/imports/" + job.id());
        Json.send(res, Status.ACCEPTED_202, render(job));
    }

    private void job(ServerRequest req, ServerResponse res) {
        long id = Json.pathId(req, "id", "an import job id");
        Json.send(res, render(vulnDb.job(id).orElseThrow(() -> ApiProblem.notFound("no import job " + id))));
    }

    static ObjectNode render(ImportJob j) {
        ObjectNode o = Json.object().put("id", j.id()).put("source", j.source()).put("actor", j.actor())
                .put("state", j.state().name()).put("total", j.total()).put("processed", j.processed())
                .put("imported", j.imported()).put("skipped", j.skipped()).put("removed", j.removed())
                .put("invalid", j.invalid()).put("error", j.error().orElse(null))
                .put("created", j.created().toString()).put("finished", j.finished().map(Object::toString).orElse(null));
        ArrayNode samples = o.putArray("invalid_samples");
        j.invalidSamples().forEach(i -> samples.addObject().put("record", i.record()).put("reason", i.reason()));
        return o;
    }

    static ApiProblem problem(VulnDbException e) {
        return switch (e.kind()) {
            case TOO_LARGE -> new ApiProblem(413, "Content Too Large", e.getMessage());
            case NOT_ZIP -> ApiProblem.badRequest(e.getMessage());
            case NOT_CONFIGURED -> new ApiProblem(409, "Conflict", e.getMessage());
            case BUSY -> new ApiProblem(503, "Service Unavailable", e.getMessage());
        };
    }

    private static String clip(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() <= 40 ? t : t.substring(0, 40) + "…";
    }
}
