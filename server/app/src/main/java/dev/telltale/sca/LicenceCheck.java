package dev.telltale.sca;

import dev.telltale.auth.Tokens;
import dev.telltale.db.Sql;
import dev.telltale.policy.CompiledPolicy;
import dev.telltale.policy.Finding;
import dev.telltale.sbom.Inventory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The licence deny-list (rule {@code supply-chain.licence-violation}): a package of the inventory
 * whose declared licence names a denied SPDX id raises one alert per component version and
 * package. Packages are checked whether or not they were loaded: shipping the code is enough.
 */
final class LicenceCheck {
    static final String RULE = "supply-chain.licence-violation";

    private LicenceCheck() {
    }

    /** The denied ids named in {@code licence} (an id or an expression), as the policy spells them. */
    static List<String> denied(String licence, List<String> deniedIds) {
        Set<String> tokens = java.util.Arrays.stream(licence.replace("(", " ").replace(")", " ").split("\\s+"))
                .map(t -> t.endsWith("+") ? t.substring(0, t.length() - 1) : t)
                .map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        return deniedIds.stream().filter(d -> tokens.contains(d.toLowerCase(Locale.ROOT))).toList();
    }

    /** Alerts for packages with a denied licence not alerted before, recorded as alerted in {@code tx}. */
    static List<Finding> newViolations(Connection tx, Inventory.VersionInventory inv, CompiledPolicy.Entry rule,
                                       String policy, Instant now) throws SQLException {
        List<String> deniedIds = rule.params().strings("denied-licences");
        Inventory.VersionRef ref = inv.ref();
        List<Finding> out = new ArrayList<>();
        for (Inventory.Package p : inv.packages()) {
            Optional<String> licence = p.licence();
            List<String> hits = licence.map(l -> denied(l, deniedIds)).orElse(List.of());
            if (hits.isEmpty()) {
                continue;
            }
            String key = Tokens.sha256Hex(ref.application() + "\n" + ref.component() + "\n" + ref.version() + "\n"
                    + p.purl() + "\n" + String.join(",", hits));
            if (!remember(tx, ref.teamId(), key, now)) {
                continue;
            }
            String summary = p.name() + " " + p.version() + " is licensed " + licence.get() + ", which the policy denies ("
                    + String.join(", ", hits) + ")" + (p.loaded() ? "; it was loaded at run time." : ".");
            out.add(new Finding(ref.teamId(), ref.application(), ref.component(), ref.version(), DefaultSca.HOST, RULE,
                    rule.severity(), FindingRows.clip(p.name() + " " + String.join(",", hits), Finding.KEY_MAX),
                    FindingRows.clip(summary, Finding.SUMMARY_MAX), 0, now, 0, 0, policy));
        }
        return out;
    }

    /** True when this violation had not been raised yet (and now is). */
    private static boolean remember(Connection tx, long teamId, String key, Instant now) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("SELECT 1 FROM sca_licence_alerts WHERE team_id = ? AND lkey = ?")) {
            ps.setLong(1, teamId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO sca_licence_alerts (team_id, lkey, raised_at) VALUES (?, ?, ?)")) {
            ps.setLong(1, teamId);
            ps.setString(2, key);
            Sql.setInstant(ps, 3, now);
            ps.executeUpdate();
        }
        return true;
    }
}
