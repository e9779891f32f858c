package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.rbac.Permission;
import dev.telltale.sca.CodeUsage;
import dev.telltale.sca.Sca;
import io.helidon.common.parameters.Parameters;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.telltale.alerts.TriageState;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /api/v1/findings}: vulnerable packages of the component versions the caller may see,
 * most severe first; filters {@code application}, {@code component}, {@code version},
 * {@code severity} (CRITICAL, HIGH, MEDIUM, LOW, NONE, UNKNOWN), {@code used} (true: loaded at run
 * time), {@code state} (triage state), {@code limit}; one finding (with {@code usage}: the classes loaded
 * from a Java package and the methods that ran, docs/java-agent.md), its triage history, and its triage
 * ({@code POST /{id}/transitions}, for findings that raised no alert). {@code POST /api/v1/findings/scan}
 * (Admins) scans every version now.
 */
final class FindingsApi implements HttpService {
    private static final Set<String> SEVERITIES = Set.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "NONE", "UNKNOWN");
    private final Sca sca;
    private final CodeUsage usage;

    FindingsApi(Sca sca, CodeUsage usage) {
        this.sca = sca;
        this.usage = usage;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).post("/scan", this::scan).get("/{id}", this::one)
                .get("/{id}/history", this::history).post("/{id}/transitions", this::transition);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Parameters p = req.query();
        Optional<String> severity = p.first("severity").asOptional().map(s -> s.toUpperCase(java.util.Locale.ROOT));
        if (severity.isPresent() && !SEVERITIES.contains(severity.get())) {
            throw ApiProblem.badRequest("'severity' must be one of " + String.join(", ", SEVERITIES.stream().sorted().toList()));
        }
        Optional<Boolean> used = p.first("used").asOptional().map(FindingsApi::bool);
        int limit = p.first("limit").asOptional().map(s -> EventsApi.intParam("limit", s)).orElse(100);
        if (limit < 1 || limit > 1000) {
            throw ApiProblem.badRequest("'limit' must be between 1 and 1000");
        }
        Optional<TriageState> state = p.first("state").asOptional().map(s -> state("state", s));
        var scope = Visibility.of(Principal.access(req), Permission.SBOM_VIEW);
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Sca.VulnFinding f : sca.findings(new Sca.FindingQuery(p.first("application").asOptional(),
                p.first("component").asOptional(), p.first("version").asOptional(), severity, used, state, limit,
                scope))) {
            arr.add(render(f));
        }
        Json.send(res, Json.object().set("findings", arr));
    }

    /** One finding, with the package's code its component version was seen using (Java packages). */
    private void one(ServerRequest req, ServerResponse res) {
        Sca.VulnFinding f = visible(req);
        ObjectNode o = render(f);
        CodeUsage.Usage u = usage.of(f);
        ObjectNode n = o.putObject("usage").put("classes_loaded", u.classCount()).put("methods_executed", u.methodCount())
                .put("complete", u.complete());
        u.classes().forEach(n.putArray("classes")::add);
        u.methods().forEach(n.putArray("methods")::add);
        Json.send(res, o);
    }

    private void history(ServerRequest req, ServerResponse res) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        sca.history(visible(req)).forEach(e -> arr.add(render(e)));
        Json.send(res, Json.object().set("history", arr));
    }

    /** Triage: {@code to}, optional {@code comment}, {@code expires_at} (ISO-8601) for RISK_ACCEPTED. */
    private void transition(ServerRequest req, ServerResponse res) {
        Sca.VulnFinding f = visible(req);
        Principal.require(req, Permission.ALERTS_TRIAGE, f.teamId());
        ObjectNode body = Json.body(req);
        TriageState to = state("to", Json.text(body, "to"));
        Optional<Instant> expires = Json.optionalText(body, "expires_at").map(FindingsApi::instant);
        Sca.TriageEntry e = sca.transition(f, to, Json.optionalText(body, "comment"), expires,
                Principal.user(req).username());
        Json.send(res, render(e));
    }

    /** The finding of the path; 404 alike for a missing one and one the caller may not see. */
    private Sca.VulnFinding visible(ServerRequest req) {
        String raw = req.path().pathParameters().get("id");
        if (!raw.matches("[1-9][0-9]{0,17}")) {
            throw ApiProblem.badRequest("the finding id must be a positive number");
        }
        long id = Long.parseLong(raw);
        return sca.finding(id, Visibility.of(Principal.access(req), Permission.SBOM_VIEW))
                .orElseThrow(() -> ApiProblem.notFound("no finding " + id));
    }

    private static TriageState state(String name, String s) {
        return TriageState.parse(s).orElseThrow(() -> ApiProblem.badRequest("'" + name + "' must be one of "
                + java.util.Arrays.toString(TriageState.values()) + ", was '" + (s.length() > 40 ? s.substring(0, 40) : s) + "'"));
    }

    private static Instant instant(String s) {
        try {
            return Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiProblem.badRequest("'expires_at' must be an ISO-8601 instant such as 2027-01-31T00:00:00Z");
        }
    }

    private static ObjectNode render(Sca.TriageEntry e) {
        ObjectNode o = Json.object().put("at", e.at().toString()).put("actor", e.actor()).put("from", e.from().name())
                .put("to", e.to().name());
        o.put("expires_at", e.expiresAt().map(Instant::toString).orElse(null));
        o.put("comment", e.comment().orElse(null));
        return o;
    }

    private static boolean bool(String s) {
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiProblem.badRequest("'used' must be true or false");
        };
    }

    private void scan(ServerRequest req, ServerResponse res) {
        Json.send(res, Json.object().put("findings", sca.scanNow()));
    }

    static ObjectNode render(Sca.VulnFinding f) {
        ObjectNode o = Json.object().put("id", f.id()).put("application", f.application()).put("component", f.component())
                .put("version", f.version()).put("purl", f.purl()).put("package", f.packageName())
                .put("package_version", f.packageVersion()).put("ecosystem", f.ecosystem())
                .put("advisory", f.advisoryId()).put("summary", f.summary()).put("severity", f.severity())
                .put("used_at_runtime", f.loaded()).put("alerted", f.alerted())
                .put("first_found", f.firstFound().toString()).put("last_scanned", f.lastScanned().toString())
                .put("state", f.state().name()).put("state_expires_at", f.stateExpiresAt().map(Instant::toString).orElse(null));
        f.cvssScore().ifPresentOrElse(s -> o.put("cvss_score", s), () -> o.putNull("cvss_score"));
        o.put("cvss_vector", f.cvssVector().orElse(null));
        ArrayNode aliases = o.putArray("aliases");
        f.aliases().forEach(aliases::add);
        ArrayNode cves = o.putArray("cves");
        f.aliases().stream().filter(a -> a.startsWith("CVE-")).forEach(cves::add);
        if (f.advisoryId().startsWith("CVE-")) {
            cves.insert(0, f.advisoryId());
        }
        ArrayNode fixed = o.putArray("fixed_versions");
        f.fixedVersions().forEach(fixed::add);
        return o;
    }
}
