package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.rbac.TeamRole;
import dev.telltale.sso.Sso;
import dev.telltale.sso.SsoSettings;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /api/v1/sso} and {@code PUT /api/v1/sso}: organisation Admins read and replace the
 * single sign-on settings. The client secret is write-only: a PUT may carry a new one (absent,
 * null or empty keeps the stored one); no response ever contains it, only
 * {@code client_secret_set}.
 */
final class SsoSettingsApi implements HttpService {
    private static final String[] FIELDS = {"enabled", "issuer", "client_id", "client_secret", "scopes",
            "groups_claim", "username_claim", "trusted_ca_pem", "default_access", "group_mappings", "admin_groups"};
    private final Sso sso;

    SsoSettingsApi(Sso sso) {
        this.sso = sso;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::get).put("/", this::put);
    }

    private void get(ServerRequest req, ServerResponse res) {
        Json.send(res, json(sso.settings(), req));
    }

    private void put(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, FIELDS);
        JsonNode enabled = body.get("enabled");
        if (enabled == null || !enabled.isBoolean()) {
            throw ApiProblem.badRequest("'enabled' is required: true or false");
        }
        SsoSettings s = new SsoSettings(enabled.asBoolean(), text(body, "issuer"), text(body, "client_id"),
                strings(body, "scopes").orElse(SsoSettings.DEFAULT_SCOPES),
                text(body, "groups_claim").orElse(SsoSettings.DEFAULT_GROUPS_CLAIM),
                text(body, "username_claim").orElse(SsoSettings.DEFAULT_USERNAME_CLAIM),
                text(body, "trusted_ca_pem"), defaultAccess(body), mappings(body),
                strings(body, "admin_groups").orElse(List.of()));
        Json.send(res, json(sso.update(s, text(body, "client_secret"), Principal.user(req).username()), req));
    }

    /** A text field; absent, null or blank is empty (what an untouched form field sends). */
    private static Optional<String> text(ObjectNode o, String field) {
        return Json.optionalText(o, field).filter(s -> !s.isBlank());
    }

    private static Optional<List<String>> strings(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        return Optional.of(list(n, field, (e, where) -> {
            if (!e.isTextual()) {
                throw ApiProblem.badRequest("'" + where + "' must be a string");
            }
            return e.asText();
        }));
    }

    private static Optional<SsoSettings.TeamGrant> defaultAccess(ObjectNode body) {
        JsonNode n = body.get("default_access");
        if (n == null || n.isNull()) {
            return Optional.empty(); // no access until a mapped group or an Admin grants some
        }
        ObjectNode o = object(n, "default_access", Set.of("team", "role"));
        return Optional.of(new SsoSettings.TeamGrant(required(o, "default_access", "team"),
                role(o, "default_access")));
    }

    private static List<SsoSettings.GroupMapping> mappings(ObjectNode body) {
        JsonNode n = body.get("group_mappings");
        if (n == null || n.isNull()) {
            return List.of();
        }
        return list(n, "group_mappings", (e, where) -> {
            ObjectNode o = object(e, where, Set.of("group", "team", "role"));
            return new SsoSettings.GroupMapping(required(o, where, "group"), required(o, where, "team"), role(o, where));
        });
    }

    private interface Element<T> {
        T read(JsonNode element, String where);
    }

    private static <T> List<T> list(JsonNode n, String field, Element<T> element) {
        if (!n.isArray()) {
            throw ApiProblem.badRequest("'" + field + "' must be a list");
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            out.add(element.read(n.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    private static ObjectNode object(JsonNode n, String where, Set<String> allowed) {
        if (!n.isObject()) {
            throw ApiProblem.badRequest("'" + where + "' must be an object with " + String.join(", ", allowed));
        }
        n.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                throw ApiProblem.badRequest("unknown field '" + where + "." + f + "'; expected " + String.join(", ", allowed));
            }
        });
        return (ObjectNode) n;
    }

    private static String required(ObjectNode o, String where, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw ApiProblem.badRequest("'" + where + "." + field + "' is required (a string)");
        }
        return n.asText();
    }

    private static TeamRole role(ObjectNode o, String where) {
        return TeamRole.parse(required(o, where, "role")).orElseThrow(() -> ApiProblem.badRequest(
                "'" + where + ".role' must be one of TEAM_ADMIN, DEVELOPER, VIEWER"));
    }

    private static ObjectNode json(SsoSettings.Stored stored, ServerRequest req) {
        SsoSettings s = stored.settings();
        ObjectNode o = Json.object().put("enabled", s.enabled());
        o.put("issuer", s.issuer().orElse(null)).put("client_id", s.clientId().orElse(null))
                .put("client_secret_set", stored.clientSecretSet());
        s.scopes().forEach(o.putArray("scopes")::add);
        o.put("groups_claim", s.groupsClaim()).put("username_claim", s.usernameClaim())
                .put("trusted_ca_pem", s.trustedCaPem().orElse(null));
        if (s.defaultAccess().isPresent()) {
            o.putObject("default_access").put("team", s.defaultAccess().get().team())
                    .put("role", s.defaultAccess().get().role().name());
        } else {
            o.putNull("default_access");
        }
        ArrayNode m = o.putArray("group_mappings");
        s.groupMappings().forEach(g -> m.addObject().put("group", g.group()).put("team", g.team())
                .put("role", g.role().name()));
        s.adminGroups().forEach(o.putArray("admin_groups")::add);
        // What to register at the provider as the sign-in redirect URI, as this request reached the appliance.
        SsoApi.callbackUri(req).ifPresent(u -> o.put("redirect_uri", u.toString()));
        o.put("updated_at", stored.updatedAt().map(Object::toString).orElse(null))
                .put("updated_by", stored.updatedBy().orElse(null));
        return o;
    }
}
