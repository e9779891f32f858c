package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.rbac.Permission;
import dev.telltale.sbom.Inventory;
import dev.telltale.store.Scope;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/v1/applications/{app}/components/{component}/versions/{version}/inventory}:
 * the packages of a component version (OS packages, libraries, language packages) with whether,
 * when and by which executables they were loaded, and its runtime facts. {@code app} is the
 * application's name; when teams share it, {@code ?team=} (a team id) chooses. 404 when the
 * version has no inventory the caller may see (SBOM_VIEW in its team).
 */
final class InventoryApi implements HttpService {
    private final Inventory inventory;

    InventoryApi(Inventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{app}/components/{component}/versions/{version}/inventory", this::get);
    }

    private void get(ServerRequest req, ServerResponse res) {
        Scope scope = Visibility.of(Principal.access(req), Permission.SBOM_VIEW);
        var path = req.path().pathParameters();
        String app = path.get("app");
        String component = path.get("component");
        String version = path.get("version");
        Optional<Long> team = req.query().first("team").asOptional().map(InventoryApi::teamId);
        List<Inventory.VersionRef> refs = inventory.versions(scope).stream()
                .filter(r -> r.application().equals(app) && r.component().equals(component) && r.version().equals(version))
                .filter(r -> team.isEmpty() || team.get() == r.teamId())
                .toList();
        if (refs.size() > 1) {
            throw ApiProblem.badRequest("application '" + app + "' exists in several teams; choose one with 'team'");
        }
        Inventory.VersionInventory inv = refs.stream().findFirst().flatMap(r -> inventory.of(r, scope))
                .orElseThrow(() -> ApiProblem.notFound("no inventory for version '" + version + "' of component '"
                        + component + "' of application '" + app + "'"));
        Json.send(res, json(inv));
    }

    private static long teamId(String s) {
        if (!s.matches("[1-9][0-9]{0,17}")) {
            throw ApiProblem.badRequest("'team' must be a team id (a positive number)");
        }
        return Long.parseLong(s);
    }

    static ObjectNode json(Inventory.VersionInventory inv) {
        ObjectNode o = Json.object().put("team", inv.ref().teamId()).put("application", inv.ref().application())
                .put("component", inv.ref().component()).put("version", inv.ref().version())
                .put("updated_at", inv.updatedAt().toString());
        ArrayNode pkgs = o.putArray("packages");
        for (Inventory.Package p : inv.packages()) {
            ObjectNode j = pkgs.addObject().put("purl", p.purl()).put("type", p.type()).put("name", p.name())
                    .put("version", p.version());
            optional(j, "ecosystem", p.ecosystem());
            optional(j, "licence", p.licence());
            optional(j, "source_package", p.sourcePackage());
            ObjectNode h = j.putObject("hashes");
            p.hashes().forEach(h::put);
            j.put("loaded", p.loaded());
            optional(j, "first_loaded", p.firstLoaded().map(Instant::toString));
            optional(j, "last_loaded", p.lastLoaded().map(Instant::toString));
            p.files().forEach(j.putArray("files")::add);
            p.loadedBy().forEach(j.putArray("loaded_by")::add);
            j.put("origin", p.origin());
        }
        ArrayNode rt = o.putArray("runtime");
        for (Inventory.RuntimeFact f : inv.runtime()) {
            rt.addObject().put("kind", f.kind()).put("detail", f.detail()).put("count", f.count())
                    .put("first_seen", f.firstSeen().toString()).put("last_seen", f.lastSeen().toString());
        }
        return o;
    }

    private static void optional(ObjectNode o, String field, Optional<String> v) {
        if (v.isPresent()) {
            o.put(field, v.get());
        } else {
            o.putNull(field);
        }
    }
}
