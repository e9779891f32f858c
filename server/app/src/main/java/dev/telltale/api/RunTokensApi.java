package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.auth.RunTokens;
import dev.telltale.auth.User;
import dev.telltale.teams.Teams;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/run-tokens} (organisation Admin): create a team's run token (shown once),
 * list tokens (prefix only) and revoke one.
 */
final class RunTokensApi implements HttpService {
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._:-]{1,100}");
    private final RunTokens tokens;
    private final Teams teams;

    RunTokensApi(RunTokens tokens, Teams teams) {
        this.tokens = tokens;
        this.teams = teams;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create)
                .get("/", this::list)
                .delete("/{id}", this::revoke);
    }

    private void create(ServerRequest req, ServerResponse res) {
        User admin = Principal.user(req);
        ObjectNode body = Json.body(req);
        String name = Json.optionalText(body, "name").orElse("run token");
        if (!NAME.matcher(name).matches()) {
            throw ApiProblem.badRequest("'name' must be 1-100 letters, digits, spaces or . _ : -");
        }
        Teams.Team team = Json.team(body, teams);
        Principal.require(req, dev.telltale.rbac.Permission.RUN_TOKENS_MANAGE, team.id());
        Optional<Instant> expires = Json.optionalText(body, "expires_at").map(RunTokensApi::instant);
        if (expires.isPresent() && expires.get().isBefore(Instant.now())) {
            throw ApiProblem.badRequest("'expires_at' is in the past");
        }
        RunTokens.CreatedRunToken t = tokens.create(team.id(), name, expires, admin.username());
        ObjectNode out = Json.object()
                .put("id", t.id())
                .put("token", t.token())
                .put("team", team.name())
                .put("team_id", team.id())
                .put("name", t.name())
                .put("created_at", t.createdAt().toString());
        t.expiresAt().ifPresent(e -> out.put("expires_at", e.toString()));
        Json.send(res, Status.CREATED_201, out);
    }

    private static Instant instant(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("'expires_at' must be an ISO-8601 instant such as 2027-01-31T00:00:00Z");
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        var access = Principal.access(req);
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (RunTokens.RunTokenInfo t : tokens.list()) {
            if (!access.can(dev.telltale.rbac.Permission.RUN_TOKENS_MANAGE, t.teamId())) {
                continue;
            }
            ObjectNode o = arr.addObject()
                    .put("id", t.id())
                    .put("team", t.teamName())
                    .put("team_id", t.teamId())
                    .put("name", t.name())
                    .put("prefix", t.prefix())
                    .put("created_at", t.createdAt().toString())
                    .put("created_by", t.createdBy())
                    .put("active", t.revokedAt().isEmpty() && t.expiresAt().map(e -> e.isAfter(Instant.now())).orElse(true));
            t.expiresAt().ifPresent(e -> o.put("expires_at", e.toString()));
            t.revokedAt().ifPresent(r -> o.put("revoked_at", r.toString()));
            t.lastUsedAt().ifPresent(u -> o.put("last_used_at", u.toString()));
        }
        Json.send(res, Json.object().set("run_tokens", arr));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        User admin = Principal.user(req);
        long id = Json.pathId(req, "id", "a run token id");
        long tokenId = id;
        var access = Principal.access(req);
        boolean visible = tokens.list().stream()
                .anyMatch(t -> t.id() == tokenId && access.can(dev.telltale.rbac.Permission.RUN_TOKENS_MANAGE, t.teamId()));
        if (!visible || !tokens.revoke(id, admin.username())) {
            throw ApiProblem.notFound("no active run token " + id);
        }
        res.status(Status.NO_CONTENT_204).send();
    }
}
