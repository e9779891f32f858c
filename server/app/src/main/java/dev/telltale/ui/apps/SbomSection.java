package dev.telltale.ui.apps;

import dev.telltale.sca.Sca;

import dev.telltale.sbom.Inventory;
import dev.telltale.store.Scope;
import dev.telltale.ui.alerts.When;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The application page's SBOM: per component version the packages the runtime inventory holds,
 * loaded ones first, at most {@link #ROWS} each (the API has them all), for at most
 * {@link #VERSIONS} versions (the most recently updated of each component first).
 */
final class SbomSection {
    static final int ROWS = 100;
    static final int VERSIONS = 10;

    record Row(String name, String version, String type, boolean loaded, Optional<When> lastLoaded, String licence) {
    }

    record Version(String component, String version, When updated, List<Row> rows, int total, long loaded,
                   String apiHref, String sbomHref, List<Vuln> vulns) {
    }

    /** A vulnerable package of the version, from the last scan. */
    record Vuln(long id, String packageName, String packageVersion, String advisory, String cves, String cvss,
                String severity, String fixed, boolean used, String state, String stateLabel) {
    }

    private SbomSection() {
    }

    /** The versions of application {@code name} of team {@code teamId} with an inventory {@code scope} may see. */
    static List<Version> of(Inventory inventory, Sca sca, long teamId, String name, Scope scope, Instant now) {
        return inventory.versions(scope).stream()
                .filter(r -> r.teamId() == teamId && r.application().equals(name))
                .limit(VERSIONS)
                .map(r -> inventory.of(r, scope)).flatMap(Optional::stream)
                .map(v -> version(v, vulns(sca, v.ref(), scope), now))
                .toList();
    }

    private static List<Vuln> vulns(Sca sca, Inventory.VersionRef r, Scope scope) {
        return sca.findings(new Sca.FindingQuery(Optional.of(r.application()), Optional.of(r.component()),
                        Optional.of(r.version()), Optional.empty(), Optional.empty(), Optional.empty(), ROWS, scope)).stream()
                .filter(f -> f.teamId() == r.teamId())
                .map(f -> new Vuln(f.id(), f.packageName(), f.packageVersion(), f.advisoryId(),
                        String.join(", ", f.aliases().stream().filter(a -> a.startsWith("CVE-")).toList()),
                        f.cvssScore().map(s -> String.format(java.util.Locale.ROOT, "%.1f", s)).orElse("—"),
                        f.severity(), f.fixedVersions().isEmpty() ? "no fix known" : String.join(", ", f.fixedVersions()),
                        f.loaded(), f.state().name(), f.alerted() ? "On its alert" : dev.telltale.ui.Labels.state(f.state().name())))
                .toList();
    }

    private static Version version(Inventory.VersionInventory v, List<Vuln> vulns, Instant now) {
        List<Row> rows = v.packages().stream().limit(ROWS)
                .map(p -> new Row(p.name(), p.version(), p.type(), p.loaded(), p.lastLoaded().map(t -> When.of(t, now)),
                        p.licence().orElse("")))
                .toList();
        long loaded = v.packages().stream().filter(Inventory.Package::loaded).count();
        Inventory.VersionRef r = v.ref();
        String base = "/api/v1/applications/" + ApplicationsPages.path(r.application()) + "/components/"
                + ApplicationsPages.path(r.component()) + "/versions/" + ApplicationsPages.path(r.version());
        return new Version(r.component(), r.version(), When.of(v.updatedAt(), now), rows, v.packages().size(), loaded,
                base + "/inventory?team=" + r.teamId(), base + "/sbom?team=" + r.teamId() + "&format=", vulns);
    }
}
