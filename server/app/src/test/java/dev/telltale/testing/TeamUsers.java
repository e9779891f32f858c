package dev.telltale.testing;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Optional;

/** Users for browser tests: created by the admin, given a team role, with their own password already chosen. */
public final class TeamUsers {
    /** The password every user made here signs in with. */
    public static final String PASSWORD = "a passphrase of their own";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TeamUsers() {
    }

    /** Creates {@code name} with {@code role} (TEAM_ADMIN, DEVELOPER, VIEWER) in team {@code teamId}, or no team. */
    public static void create(RunningAppliance app, String name, Optional<String> role, long teamId) throws Exception {
        String admin = app.apiToken();
        String initial = "set by the admin for " + name;
        var made = app.post("/api/v1/users", "{\"username\":\"" + name + "\",\"password\":\"" + initial + "\"}", admin);
        check(made.statusCode() == 201, made.body());
        long id = JSON.readTree(made.body()).get("id").asLong();
        if (role.isPresent()) {
            var r = app.put("/api/v1/teams/" + teamId + "/members/" + id, "{\"role\":\"" + role.get() + "\"}", admin);
            check(r.statusCode() == 200, r.body());
        }
        var first = app.post("/api/v1/auth/token", "{\"username\":\"" + name + "\",\"password\":\"" + initial + "\"}", null);
        String token = JSON.readTree(first.body()).get("access_token").asText();
        var changed = app.post("/api/v1/me/password", "{\"current_password\":\"" + initial + "\",\"new_password\":\""
                + PASSWORD + "\"}", token);
        check(changed.statusCode() == 204, changed.body());
    }

    /** The id of a team, creating it unless it is {@code default}. */
    public static long team(RunningAppliance app, String name) throws Exception {
        String admin = app.apiToken();
        if (!name.equals("default")) {
            var r = app.post("/api/v1/teams", "{\"name\":\"" + name + "\"}", admin);
            check(r.statusCode() == 201, r.body());
            return JSON.readTree(r.body()).get("id").asLong();
        }
        for (var t : JSON.readTree(app.get("/api/v1/teams", admin).body()).get("teams")) {
            if (t.get("name").asText().equals(name)) {
                return t.get("id").asLong();
            }
        }
        throw new IllegalStateException("no team " + name);
    }

    private static void check(boolean ok, String body) {
        if (!ok) {
            throw new IllegalStateException(body);
        }
    }
}
