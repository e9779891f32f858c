package dev.telltale.ui.certs;

import dev.telltale.certs.CertificateInfo;
import dev.telltale.certs.CertificateStore;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Page;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The certificates the appliance presents on its HTTPS and agent ports: the server certificate,
 * its chain and the CA agents pin, with expiry warnings. Organisation Admins only.
 */
public final class CertificatesPage implements Page {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private final Views views;
    private final RouteTable routes;
    private final CertificateStore certs;
    private final Clock clock;

    public CertificatesPage(Views views, RouteTable routes, CertificateStore certs, Clock clock) {
        this.views = views;
        this.routes = routes;
        this.certs = certs;
        this.clock = clock;
    }

    /** One certificate as the page shows it; {@code warning} is empty unless expiry is near or past. */
    record CertView(String role, String subject, String issuer, String validFrom, String validUntil, long daysLeft,
                    String warning, List<String> names, String key, String sha256, String sha1, String serial) {
        static CertView of(String role, CertificateInfo i) {
            String warning = i.daysLeft() < 0 ? "Expired." : i.daysLeft() <= 30
                    ? "Expires in " + i.daysLeft() + " days." : "";
            return new CertView(role, i.subject(), i.issuer(), DAY.format(i.notBefore()), DAY.format(i.notAfter()),
                    i.daysLeft(), warning, i.subjectAltNames(), i.key(), i.sha256(), i.sha1(), i.serial());
        }
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/admin/certificates", Permission.APPLIANCE_MANAGE);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/certificates", this::show);
    }

    private void show(ServerRequest req, ServerResponse res) {
        var chain = certs.serverChain();
        List<CertView> views = new java.util.ArrayList<>();
        views.add(CertView.of("Server certificate", CertificateInfo.of(chain.get(0), clock)));
        for (int i = 1; i < chain.size(); i++) {
            views.add(CertView.of(chain.get(i).getBasicConstraints() >= 0 && i == chain.size() - 1 ? "Issuing CA"
                    : "Intermediate CA", CertificateInfo.of(chain.get(i), clock)));
        }
        this.views.send(res, 200, "certificates", Map.of("chrome", Chrome.of(req, routes, "Certificates"),
                "certs", views, "pinned", CertView.of("CA pinned by agents", CertificateInfo.of(certs.caCertificate(), clock))));
    }
}
