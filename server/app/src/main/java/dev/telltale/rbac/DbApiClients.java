package dev.telltale.rbac;

import dev.telltale.audit.Audit;
import dev.telltale.auth.Tokens;
import dev.telltale.db.Database;
import dev.telltale.db.Sql;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Clients in {@code api_clients}. */
final class DbApiClients implements ApiClients {
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._:-]{0,99}");
    private static final String COLUMNS = "id, team_id, name, client_id, role, created_at, created_by, revoked_at";
    private final Database db;
    private final Clock clock;

    DbApiClients(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public CreatedClient create(long teamId, String name, TeamRole role, String actor) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new RbacException(RbacException.Kind.INVALID,
                    "a client name is 1-100 letters, digits, spaces or . _ : -, starting with a letter or digit");
        }
        String clientId = "ttc_" + Tokens.newToken("").substring(0, 16);
        String secret = Tokens.newToken("tts_");
        Instant now = clock.instant();
        long id = Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement t = c.prepareStatement("SELECT name FROM teams WHERE id = ?")) {
                t.setLong(1, teamId);
                try (ResultSet rs = t.executeQuery()) {
                    if (!rs.next()) {
                        throw new RbacException(RbacException.Kind.NOT_FOUND, "no team " + teamId);
                    }
                }
            }
            long newId;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_clients (team_id, name, client_id, secret_hash,"
                    + " role, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, teamId);
                ps.setString(2, name);
                ps.setString(3, clientId);
                ps.setString(4, Tokens.sha256Hex(secret));
                ps.setString(5, role.name());
                Sql.setInstant(ps, 6, now);
                ps.setString(7, actor);
                ps.executeUpdate();
                newId = Sql.generatedId(ps);
            }
            Audit.record(c, now, actor, "client.create", "client:" + clientId, Optional.of(name + ", " + role));
            return newId;
        });
        return new CreatedClient(new Client(id, teamId, name, clientId, role, now, actor, Optional.empty()), secret);
    }

    @Override
    public Optional<Client> authenticate(String clientId, String secret) {
        if (clientId == null || secret == null || clientId.length() > 64 || secret.length() > 128) {
            return Optional.empty();
        }
        String presented = Tokens.sha256Hex(secret);
        return one("SELECT " + COLUMNS + ", secret_hash FROM api_clients WHERE client_id = ? AND revoked_at IS NULL",
                ps -> ps.setString(1, clientId), rs -> java.security.MessageDigest.isEqual(
                        rs.getString("secret_hash").getBytes(StandardCharsets.US_ASCII),
                        presented.getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public Optional<Client> active(long id) {
        return one("SELECT " + COLUMNS + " FROM api_clients WHERE id = ? AND revoked_at IS NULL",
                ps -> ps.setLong(1, id), rs -> true);
    }

    @Override
    public List<Client> list() {
        return Sql.inTransaction(db.dataSource(), c -> {
            List<Client> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM api_clients ORDER BY id")) {
                while (rs.next()) {
                    out.add(client(rs));
                }
            }
            return out;
        });
    }

    @Override
    public boolean revoke(long id, String actor) {
        return Sql.inTransaction(db.dataSource(), c -> {
            Instant now = clock.instant();
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_clients SET revoked_at = ?, revoked_by = ?"
                    + " WHERE id = ? AND revoked_at IS NULL")) {
                Sql.setInstant(ps, 1, now);
                ps.setString(2, actor);
                ps.setLong(3, id);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            Audit.record(c, now, actor, "client.revoke", "client id " + id, Optional.empty());
            return true;
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface Check {
        boolean ok(ResultSet rs) throws SQLException;
    }

    private Optional<Client> one(String sql, Binder binder, Check check) {
        return Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && check.ok(rs) ? Optional.of(client(rs)) : Optional.<Client>empty();
                }
            }
        });
    }

    private static Client client(ResultSet rs) throws SQLException {
        return new Client(rs.getLong("id"), rs.getLong("team_id"), rs.getString("name"), rs.getString("client_id"),
                TeamRole.valueOf(rs.getString("role")), Sql.instant(rs, "created_at").orElseThrow(),
                rs.getString("created_by"), Sql.instant(rs, "revoked_at"));
    }
}
