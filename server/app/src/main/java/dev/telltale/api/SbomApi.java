package dev.telltale.api;

import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.sbom.Inventory;
import dev.telltale.sbom.export.Sbom;
import dev.telltale.store.Scope;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/applications/{app}/components/{component}/versions/{version}/sbom}: the
 * version's SBOM ({@code GET}, {@code ?format=cyclonedx-json|cyclonedx-xml|spdx-json}) and the
 * import of a CycloneDX SBOM made elsewhere, e.g. by a CI scanner ({@code POST}, JSON or XML
 * body), which later exports merge with what ran. {@code ?team=ID} picks the team when the
 * caller sees applications of the same name in several teams. See docs/sbom.md.
 */
final class SbomApi implements HttpService {
    private static final String PATH = "/{app}/components/{component}/versions/{version}/sbom";
    private static final Set<String> IMPORT_TYPES = Set.of("application/json", "application/vnd.cyclonedx+json",
            "application/xml", "text/xml", "application/vnd.cyclonedx+xml");

    private final Sbom sbom;
    private final dev.telltale.audit.AuditLog audit;

    SbomApi(Sbom sbom, dev.telltale.audit.AuditLog audit) {
        this.sbom = sbom;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(PATH, this::export).post(PATH, this::importBom);
    }

    private void export(ServerRequest req, ServerResponse res) {
        Scope scope = Visibility.of(Principal.access(req), Permission.SBOM_VIEW);
        String f = req.query().first("format").orElse(Sbom.Format.CYCLONEDX_JSON.param());
        Sbom.Format format = Sbom.Format.parse(f).orElseThrow(() -> ApiProblem.badRequest("'format' must be one of "
                + Sbom.Format.names() + ", was '" + clip(f) + "'"));
        Inventory.VersionRef ref = version(req, scope);
        Sbom.Document doc = sbom.export(ref, scope, format);
        res.header(HeaderNames.CONTENT_TYPE, doc.contentType());
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + doc.filename() + "\"");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(doc.body());
    }

    private void importBom(ServerRequest req, ServerResponse res) {
        Access access = Principal.access(req);
        Inventory.VersionRef ref = version(req, Visibility.of(access, Permission.SBOM_VIEW));
        Principal.require(req, Permission.APPS_EDIT, ref.teamId());
        String type = req.headers().contentType().map(t -> t.mediaType().text()).orElse("");
        if (!IMPORT_TYPES.contains(type)) {
            throw ApiProblem.badRequest("send the CycloneDX SBOM as application/vnd.cyclonedx+json or "
                    + "application/vnd.cyclonedx+xml (application/json and application/xml work too)");
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(Sbom.MAX_IMPORT_BYTES + 1);
        } catch (IOException e) {
            throw ApiProblem.badRequest("cannot read the request body");
        }
        if (body.length > Sbom.MAX_IMPORT_BYTES) {
            throw new ApiProblem(413, "Content Too Large", "an SBOM has at most " + Sbom.MAX_IMPORT_BYTES + " bytes");
        }
        Sbom.ImportSummary s;
        try {
            s = sbom.importCycloneDx(ref, body, Principal.user(req).username());
        } catch (Sbom.InvalidSbomException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
        // What a version's SBOM claims is evidence for audits: who replaced it, and with what.
        audit.record(s.importedBy(), "sbom.import", ref.application() + "/" + ref.component() + "@" + ref.version(),
                Optional.of(s.tool() + ", " + s.components() + " components"));
        Json.send(res, Status.CREATED_201, Json.object().put("application", ref.application())
                .put("component", ref.component()).put("version", ref.version()).put("tool", s.tool())
                .put("format", s.format()).put("spec_version", s.specVersion()).put("components", s.components())
                .put("imported_by", s.importedBy()).put("imported_at", s.importedAt().toString()));
    }

    /** The version of the path that {@code scope} sees: 404 as for a missing one when it is hidden. */
    private Inventory.VersionRef version(ServerRequest req, Scope scope) {
        var p = req.path().pathParameters();
        String app = name(p.get("app"), "application", 200);
        String component = name(p.get("component"), "component", 200);
        String version = name(p.get("version"), "version", 100);
        Optional<Long> team = req.query().first("team").asOptional().map(t -> {
            if (!t.matches("[1-9][0-9]{0,17}")) {
                throw ApiProblem.badRequest("'team' must be a team id (a positive whole number)");
            }
            return Long.parseLong(t);
        });
        List<Inventory.VersionRef> found = sbom.find(app, component, version, scope).stream()
                .filter(r -> team.map(t -> r.teamId() == t).orElse(true)).toList();
        if (found.isEmpty()) {
            throw ApiProblem.notFound("no version '" + clip(version) + "' of component '" + clip(component)
                    + "' of application '" + clip(app) + "'");
        }
        if (found.size() > 1) {
            throw ApiProblem.badRequest("application '" + clip(app) + "' is in several of your teams (ids "
                    + String.join(", ", found.stream().map(r -> String.valueOf(r.teamId())).toList())
                    + "): add ?team=ID");
        }
        return found.get(0);
    }

    private static String name(String s, String what, int max) {
        if (s == null || s.isBlank() || s.length() > max) {
            throw ApiProblem.badRequest("the " + what + " in the path must be 1 to " + max + " characters");
        }
        return s;
    }

    private static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
