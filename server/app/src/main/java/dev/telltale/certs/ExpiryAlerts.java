package dev.telltale.certs;

import dev.telltale.alerts.Alerts;
import dev.telltale.db.Database;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Severity;

import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns expiry notices into alerts of the system rule {@value #RULE} in the given team
 * (the {@code default} team), one alert per certificate and threshold: P3 at 30 days, P2 at 7,
 * P1 at 1 or once expired. They are triaged like any other alert.
 */
public final class ExpiryAlerts implements Consumer<CertificateNotice> {
    public static final String RULE = "system.certificate-expiry";
    static final String APPLICATION = "telltale-appliance";
    private final Database db;
    private final Alerts alerts;
    private final long teamId;
    private final Clock clock;

    public ExpiryAlerts(Database db, Alerts alerts, long teamId, Clock clock) {
        this.db = db;
        this.alerts = alerts;
        this.teamId = teamId;
        this.clock = clock;
    }

    @Override
    public void accept(CertificateNotice n) {
        Severity severity = n.thresholdDays() <= 1 ? Severity.P1 : n.thresholdDays() <= 7 ? Severity.P2 : Severity.P3;
        String summary = n.summary();
        Finding f = new Finding(teamId, APPLICATION, "tls-" + n.listener(), "-", "appliance", RULE, severity,
                n.sha256() + " " + n.thresholdDays() + "d", summary.length() > Finding.SUMMARY_MAX
                ? summary.substring(0, Finding.SUMMARY_MAX) : summary, 0, clock.instant(), 0, 0, "system");
        Sql.inTransaction(db.dataSource(), tx -> {
            alerts.record(tx, List.of(f));
            return null;
        });
    }
}
