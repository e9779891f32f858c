package dev.telltale.ui.findings;

import dev.telltale.sca.Sca;
import dev.telltale.ui.Labels;
import dev.telltale.ui.alerts.When;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** A vulnerability finding as the findings pages show it. */
record FindingView(long id, String application, String component, String version, String packageName,
                   String packageVersion, String ecosystem, String advisory, String cves, String summary, String cvss,
                   String cvssVector, String severity, String fixed, boolean used, boolean alerted, String state,
                   String stateLabel, Optional<When> stateExpires, When firstFound, When lastScanned) {

    static FindingView of(Sca.VulnFinding f, Instant now) {
        return new FindingView(f.id(), f.application(), f.component(), f.version(), f.packageName(), f.packageVersion(),
                f.ecosystem(), f.advisoryId(), String.join(", ", f.aliases().stream().filter(a -> a.startsWith("CVE-")).toList()),
                f.summary(), f.cvssScore().map(s -> String.format(Locale.ROOT, "%.1f", s)).orElse("—"),
                f.cvssVector().orElse(""), f.severity(),
                f.fixedVersions().isEmpty() ? "no fix known" : String.join(", ", f.fixedVersions()), f.loaded(),
                f.alerted(), f.state().name(), f.alerted() ? "On its alert" : Labels.state(f.state().name()),
                f.stateExpiresAt().map(t -> When.of(t, now)), When.of(f.firstFound(), now), When.of(f.lastScanned(), now));
    }

    /** One triage change as the history table shows it. */
    record Change(When when, String actor, String from, String to, Optional<When> expires, Optional<String> comment) {
        static Change of(Sca.TriageEntry e, Instant now) {
            return new Change(When.of(e.at(), now), e.actor(), Labels.state(e.from().name()), Labels.state(e.to().name()),
                    e.expiresAt().map(t -> When.of(t, now)), e.comment());
        }
    }
}
