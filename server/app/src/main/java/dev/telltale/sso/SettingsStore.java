package dev.telltale.sso;

import dev.telltale.audit.Audit;
import dev.telltale.db.Sql;
import dev.telltale.rbac.TeamRole;
import dev.telltale.secrets.SecretBox;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The settings in Derby ({@code sso_settings}, {@code sso_group_mappings}, {@code sso_admin_groups}),
 * the client secret sealed by {@link SecretBox} for the purpose {@value #SECRET_PURPOSE}.
 */
final class SettingsStore {
    private static final System.Logger LOG = System.getLogger(SettingsStore.class.getName());
    static final String SECRET_PURPOSE = "sso_settings.client_secret";

    /** What is stored, the secret opened (it never leaves this package). */
    record Loaded(SsoSettings.Stored stored, AccessRules rules, Optional<String> clientSecret) {
        @Override
        public String toString() {
            return "Loaded[" + stored + "]";
        }
    }

    private final DataSource dataSource;
    private final SecretBox box;
    private final Clock clock;

    SettingsStore(DataSource dataSource, SecretBox box, Clock clock) {
        this.dataSource = dataSource;
        this.box = box;
        this.clock = clock;
    }

    /** The stored settings; the initial ones (off) when none were ever saved. */
    Loaded load() {
        return Sql.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.enabled, s.issuer, s.client_id,"
                    + " s.client_secret, s.scopes, s.groups_claim, s.username_claim, s.trusted_ca_pem, s.default_team_id,"
                    + " s.default_role, s.updated_at, s.updated_by, t.name AS default_team FROM sso_settings s"
                    + " LEFT JOIN teams t ON t.id = s.default_team_id WHERE s.id = 1");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Loaded(new SsoSettings.Stored(SsoSettings.initial(), false, Optional.empty(),
                            Optional.empty()), AccessRules.none(), Optional.empty());
                }
                return read(c, rs);
            }
        });
    }

    private Loaded read(Connection c, ResultSet rs) throws SQLException {
        String role = rs.getString("default_role");
        Optional<AccessRules.Grant> def = role == null ? Optional.empty() : Optional.of(new AccessRules.Grant(
                rs.getLong("default_team_id"), rs.getString("default_team"), TeamRole.valueOf(role)));
        List<AccessRules.Mapping> mappings = mappings(c);
        List<String> admins = adminGroups(c);
        SsoSettings s = new SsoSettings(rs.getBoolean("enabled"), Optional.ofNullable(rs.getString("issuer")),
                Optional.ofNullable(rs.getString("client_id")), Arrays.asList(rs.getString("scopes").split(" ")),
                rs.getString("groups_claim"), rs.getString("username_claim"),
                Optional.ofNullable(rs.getString("trusted_ca_pem")),
                def.map(g -> new SsoSettings.TeamGrant(g.teamName(), g.role())),
                mappings.stream().map(m -> new SsoSettings.GroupMapping(m.group(), m.grant().teamName(),
                        m.grant().role())).toList(), admins);
        Optional<String> secret = Optional.ofNullable(rs.getString("client_secret")).flatMap(this::open);
        return new Loaded(new SsoSettings.Stored(s, secret.isPresent(), Sql.instant(rs, "updated_at"),
                Optional.of(rs.getString("updated_by"))), new AccessRules(def, mappings, java.util.Set.copyOf(admins)),
                secret);
    }

    /** The stored secret, or none when it does not open (the data directory's key was replaced). */
    private Optional<String> open(String sealed) {
        try {
            return Optional.of(box.open(sealed, SECRET_PURPOSE));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "the stored single sign-on client secret cannot be opened ({0});"
                    + " an Admin must set it again", e.getMessage());
            return Optional.empty();
        }
    }

    private static List<AccessRules.Mapping> mappings(Connection c) throws SQLException {
        List<AccessRules.Mapping> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT m.group_name, m.team_id, t.name, m.role"
                + " FROM sso_group_mappings m JOIN teams t ON t.id = m.team_id ORDER BY m.group_name, t.name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new AccessRules.Mapping(rs.getString(1), new AccessRules.Grant(rs.getLong(2), rs.getString(3),
                        TeamRole.valueOf(rs.getString(4)))));
            }
        }
        return out;
    }

    private static List<String> adminGroups(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT group_name FROM sso_admin_groups ORDER BY group_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * Replaces the settings with checked ones and audits the change ({@code sso.settings.update};
     * the detail says whether the secret changed, never what it is), in one transaction.
     *
     * @param newSecret a new client secret to seal and store; empty keeps the stored one
     */
    void save(SsoSettings s, AccessRules rules, Optional<String> newSecret, String actor) {
        Optional<String> sealed = newSecret.map(secret -> box.seal(secret, SECRET_PURPOSE));
        Instant now = clock.instant();
        Sql.inTransaction(dataSource, c -> {
            upsert(c, s, rules, now, actor);
            if (sealed.isPresent()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE sso_settings SET client_secret = ? WHERE id = 1")) {
                    ps.setString(1, sealed.get());
                    ps.executeUpdate();
                }
            }
            replaceGroups(c, rules);
            Audit.record(c, now, actor, "sso.settings.update", "sso:" + s.issuer().orElse("(no issuer)"),
                    Optional.of(describe(s, newSecret.isPresent())));
            return null;
        });
    }

    private static void upsert(Connection c, SsoSettings s, AccessRules rules, Instant now, String actor)
            throws SQLException {
        int n;
        try (PreparedStatement ps = c.prepareStatement("UPDATE sso_settings SET enabled = ?, issuer = ?, client_id = ?,"
                + " scopes = ?, groups_claim = ?, username_claim = ?, trusted_ca_pem = ?, default_team_id = ?,"
                + " default_role = ?, updated_at = ?, updated_by = ? WHERE id = 1")) {
            bind(ps, s, rules, now, actor);
            n = ps.executeUpdate();
        }
        if (n == 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sso_settings (enabled, issuer, client_id, scopes,"
                    + " groups_claim, username_claim, trusted_ca_pem, default_team_id, default_role, updated_at,"
                    + " updated_by, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
                bind(ps, s, rules, now, actor);
                ps.executeUpdate();
            }
        }
    }

    private static void bind(PreparedStatement ps, SsoSettings s, AccessRules rules, Instant now, String actor)
            throws SQLException {
        ps.setBoolean(1, s.enabled());
        ps.setString(2, s.issuer().orElse(null));
        ps.setString(3, s.clientId().orElse(null));
        ps.setString(4, String.join(" ", s.scopes()));
        ps.setString(5, s.groupsClaim());
        ps.setString(6, s.usernameClaim());
        ps.setString(7, s.trustedCaPem().orElse(null));
        if (rules.defaultGrant().isPresent()) {
            ps.setLong(8, rules.defaultGrant().get().teamId());
            ps.setString(9, rules.defaultGrant().get().role().name());
        } else {
            ps.setNull(8, Types.BIGINT);
            ps.setNull(9, Types.VARCHAR);
        }
        Sql.setInstant(ps, 10, now);
        ps.setString(11, actor);
    }

    private static void replaceGroups(Connection c, AccessRules rules) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM sso_group_mappings");
             PreparedStatement delAdmins = c.prepareStatement("DELETE FROM sso_admin_groups")) {
            del.executeUpdate();
            delAdmins.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sso_group_mappings (group_name, team_id, role) VALUES (?, ?, ?)")) {
            for (AccessRules.Mapping m : rules.mappings()) {
                ps.setString(1, m.group());
                ps.setLong(2, m.grant().teamId());
                ps.setString(3, m.grant().role().name());
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sso_admin_groups (group_name) VALUES (?)")) {
            for (String g : rules.adminGroups()) {
                ps.setString(1, g);
                ps.executeUpdate();
            }
        }
    }

    /** The audit detail: what an auditor needs to see changed, without the secret or the CA text. */
    private static String describe(SsoSettings s, boolean secretChanged) {
        return (s.enabled() ? "enabled" : "disabled") + "; issuer " + s.issuer().orElse("-") + "; client "
                + s.clientId().orElse("-") + (secretChanged ? "; client secret replaced" : "; client secret kept")
                + "; scopes " + String.join(" ", s.scopes()) + "; groups claim " + s.groupsClaim()
                + "; username claim " + s.usernameClaim() + "; extra CA " + (s.trustedCaPem().isPresent() ? "yes" : "no")
                + "; default access " + s.defaultAccess().map(g -> g.team() + "=" + g.role()).orElse("none")
                + "; " + s.groupMappings().size() + " group mappings; admin groups " + s.adminGroups();
    }
}
