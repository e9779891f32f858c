package dev.telltale.sca;

import dev.telltale.alerts.Alerts;
import dev.telltale.alerts.TriageState;
import dev.telltale.auth.Tokens;
import dev.telltale.db.Database;
import dev.telltale.db.Sql;
import dev.telltale.journal.AgentContext;
import dev.telltale.policy.CompiledPolicy;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Policies;
import dev.telltale.policy.Severity;
import dev.telltale.sbom.Inventory;
import dev.telltale.store.Scope;
import dev.telltale.vulndb.PackageQuery;
import dev.telltale.vulndb.VulnDb;
import dev.telltale.vulndb.VulnMatch;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

final class DefaultSca implements Sca {
    private static final Logger LOG = Logger.getLogger(DefaultSca.class.getName());
    static final String RULE = "supply-chain.vulnerable-package";
    /** What alerts name as the host: the finding comes from the inventory, not from one host's event. */
    static final String HOST = "(runtime inventory)";
    private final Database db;
    private final Inventory inventory;
    private final VulnDb vulnDb;
    private final Alerts alerts;
    private final Policies policies;
    private final ScaConfig config;
    private final Clock clock;
    private final FindingRows rows;
    private final Sca.FindingEvents events;
    private final FindingTriage triage;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "telltale-sca-scan");
        t.setDaemon(true);
        return t;
    });
    private volatile Optional<Instant> scannedImport = Optional.empty();

    DefaultSca(Database db, Inventory inventory, VulnDb vulnDb, Alerts alerts, Policies policies, ScaConfig config,
               Clock clock, Sca.FindingEvents events) {
        this.events = events;
        this.db = db;
        this.inventory = inventory;
        this.vulnDb = vulnDb;
        this.alerts = alerts;
        this.policies = policies;
        this.config = config;
        this.clock = clock;
        this.rows = new FindingRows(db.dataSource());
        this.triage = new FindingTriage(db.dataSource(), clock, config.maxRiskAcceptance());
    }

    @Override
    public void start() {
        if (!config.enabled()) {
            return;
        }
        // A full scan at each interval; a check every few seconds starts one early after an import.
        long every = config.scanInterval().toMillis();
        thread.scheduleWithFixedDelay(this::scheduled, 2_000, every, TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(this::afterImport, 5_000, 5_000, TimeUnit.MILLISECONDS);
    }

    private void scheduled() {
        try {
            scanNow();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "vulnerability scan failed; the next one retries", e);
        }
    }

    private void afterImport() {
        Optional<Instant> last = vulnDb.status().lastImport();
        if (last.isPresent() && !last.equals(scannedImport)) {
            scheduled();
        }
    }

    @Override
    public synchronized int scanNow() {
        Optional<Instant> importBefore = vulnDb.status().lastImport();
        int total = 0;
        for (Inventory.VersionRef ref : inventory.versions(Scope.everything())) {
            total += scan(ref);
        }
        scannedImport = importBefore;
        return total;
    }

    private int scan(Inventory.VersionRef ref) {
        Optional<Inventory.VersionInventory> inv = inventory.of(ref, Scope.everything());
        if (inv.isEmpty()) {
            return 0;
        }
        // Binary packages built from one source (libssl3 and openssl) share a query; each gets its finding.
        Map<PackageQuery, List<Inventory.Package>> byQuery = new HashMap<>();
        for (Inventory.Package p : inv.get().packages()) {
            Queries.of(p).ifPresent(q -> byQuery.computeIfAbsent(q, k -> new ArrayList<>()).add(p));
        }
        List<VulnMatch> matches = vulnDb.match(new ArrayList<>(byQuery.keySet())).matches();
        Instant now = clock.instant();
        List<FindingRows.Candidate> found = new ArrayList<>();
        for (VulnMatch m : matches) {
            for (Inventory.Package p : byQuery.get(m.query())) {
                found.add(new FindingRows.Candidate(Tokens.sha256Hex(ref.application() + "\n" + ref.component() + "\n"
                        + ref.version() + "\n" + p.purl() + "\n" + m.advisoryId()), finding(ref, p, m, now)));
            }
        }
        // The policy that applies to the application (its assignment, else the default).
        CompiledPolicy policy = policies.current().resolve(new AgentContext(0, "", ref.teamId(), "",
                ref.application(), ref.component(), ref.version(), HOST, ""));
        Optional<CompiledPolicy.Entry> rule = policy.rule(RULE);
        Optional<CompiledPolicy.Entry> licences = policy.rule(LicenceCheck.RULE);
        Sql.inTransaction(db.dataSource(), tx -> {
            if (licences.isPresent()) {
                List<Finding> violations = LicenceCheck.newViolations(tx, inv.get(), licences.get(), policy.name(), now);
                if (!violations.isEmpty()) {
                    alerts.record(tx, violations);
                }
            }
            List<FindingRows.Candidate> added = new ArrayList<>();
            List<FindingRows.Candidate> fresh = rows.replace(tx, ref, found, now, added);
            if (!added.isEmpty()) {
                events.found(tx, added.stream().map(FindingRows.Candidate::finding).toList());
            }
            List<FindingRows.Candidate> raise = rule.map(r -> fresh.stream().filter(c -> reports(r, c.finding())).toList())
                    .orElse(List.of());
            if (!raise.isEmpty()) {
                alerts.record(tx, raise.stream().map(c -> alert(ref, c.finding(), policy.name(), now)).toList());
                rows.markAlerted(tx, ref.teamId(), raise);
            }
            return null;
        });
        return found.size();
    }

    /** The rule's parameters: a CVSS threshold in tenths, and (by default) only loaded packages. */
    static boolean reports(CompiledPolicy.Entry rule, VulnFinding f) {
        boolean onlyLoaded = rule.params().bool("only-loaded");
        long minTenths = rule.params().integer("min-cvss");
        double score = f.cvssScore().orElse(0.0);
        return (f.loaded() || !onlyLoaded) && Math.round(score * 10) >= minTenths;
    }

    private static VulnFinding finding(Inventory.VersionRef ref, Inventory.Package p, VulnMatch m, Instant now) {
        return new VulnFinding(0, ref.teamId(), ref.application(), ref.component(), ref.version(), p.purl(),
                Queries.displayName(p), p.version(), m.query().ecosystem(), m.advisoryId(), m.aliases(), m.summary(),
                m.cvssScore(), m.cvssVector(), m.severity(), m.fixedVersions(), p.loaded(), false, now, now,
                TriageState.REPORTED, Optional.empty());
    }

    private static Finding alert(Inventory.VersionRef ref, VulnFinding f, String policy, Instant now) {
        String ids = f.advisoryId() + (f.aliases().isEmpty() ? "" : " (" + String.join(", ", f.aliases()) + ")");
        String fix = f.fixedVersions().isEmpty() ? "no fixed version known" : "fixed in " + String.join(", ", f.fixedVersions());
        String summary = ids + " in " + f.packageName() + " " + f.packageVersion() + (f.loaded() ? ", loaded at run time" : "")
                + "; " + fix + ". " + f.summary();
        return new Finding(ref.teamId(), ref.application(), ref.component(), ref.version(), HOST, RULE,
                severity(f), FindingRows.clip(f.packageName() + " " + f.advisoryId(), Finding.KEY_MAX),
                FindingRows.clip(summary, Finding.SUMMARY_MAX), 0, now, 0, 0, policy);
    }

    /** The CVSS base score decides, else the advisory's severity word (9.0+ P1, 7.0+ P2, 4.0+ P3, else P4). */
    static Severity severity(VulnFinding f) {
        if (f.cvssScore().isPresent()) {
            double s = f.cvssScore().get();
            return s >= 9 ? Severity.P1 : s >= 7 ? Severity.P2 : s >= 4 ? Severity.P3 : Severity.P4;
        }
        return switch (f.severity()) {
            case "CRITICAL" -> Severity.P1;
            case "HIGH" -> Severity.P2;
            case "MEDIUM" -> Severity.P3;
            default -> Severity.P4;
        };
    }

    @Override
    public List<VulnFinding> findings(FindingQuery q) {
        return rows.query(q, clock.instant());
    }

    @Override
    public List<String> vulnerablePurls(long teamId, String application, String component, String version,
                                        String ecosystem, int limit) {
        return rows.vulnerablePurls(teamId, application, component, version, ecosystem, limit);
    }

    @Override
    public Optional<VulnFinding> finding(long id, Scope scope) {
        return rows.byId(id, clock.instant()).filter(f -> scope.all() || scope.teams().contains(f.teamId()));
    }

    @Override
    public TriageEntry transition(VulnFinding finding, TriageState to, Optional<String> comment,
                                  Optional<Instant> expiresAt, String actor) {
        return triage.transition(finding, to, comment, expiresAt, actor);
    }

    @Override
    public List<TriageEntry> history(VulnFinding finding) {
        return triage.history(finding);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
