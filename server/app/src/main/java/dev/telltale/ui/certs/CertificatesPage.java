package dev.telltale.ui.certs;

import dev.telltale.auth.User;
import dev.telltale.certs.CertificateInfo;
import dev.telltale.certs.CertificateRejectedException;
import dev.telltale.certs.CertificateStore;
import dev.telltale.certs.CsrRequest;
import dev.telltale.certs.Upload;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.Page;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The certificates the appliance presents on its HTTPS and agent ports: the server certificate,
 * its chain and the CA agents pin, with expiry warnings; and the changes — upload a chain and
 * key, create a signing request, roll back, regenerate the self-signed certificate, end a CA
 * transition. Organisation Admins only. Errors sit next to their field; the key and passphrase
 * are never sent back to the browser.
 */
public final class CertificatesPage implements Page {
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final String PATH = "/admin/certificates";
    /** Fixed notices after a redirect: the address carries a code, never text. */
    private static final Map<String, String> DONE = Map.of("uploaded", "The new certificate is in use.",
            "csr", "Signing request created: send it to your CA, then upload the certificate it returns.",
            "rollback", "The previous certificate is in use again.",
            "regenerated", "A new self-signed certificate is in use.",
            "transition", "The transition has ended: the agent port presents the new certificate.");
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

    /** What the forms show again after an error: never the key or passphrase. */
    record Entered(String chain, String cn, String org, String sans, String keyType) {
        static final Entered EMPTY = new Entered("", "", "", "", "EC");
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", PATH, Permission.APPLIANCE_MANAGE)
                .page("POST", PATH + "/upload", Permission.APPLIANCE_MANAGE)
                .page("POST", PATH + "/upload-p12", Permission.APPLIANCE_MANAGE)
                .page("POST", PATH + "/csr", Permission.APPLIANCE_MANAGE)
                .page("POST", PATH + "/rollback", Permission.APPLIANCE_MANAGE)
                .page("POST", PATH + "/regenerate", Permission.APPLIANCE_MANAGE)
                .page("POST", PATH + "/transition/end", Permission.APPLIANCE_MANAGE);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(PATH, this::show)
                .post(PATH + "/upload", this::upload)
                .post(PATH + "/upload-p12", this::uploadPkcs12)
                .post(PATH + "/csr", this::csr)
                .post(PATH + "/rollback", (req, res) -> act(req, res, "rollback", certs::rollback))
                .post(PATH + "/regenerate", (req, res) -> act(req, res, "regenerated", certs::regenerate))
                .post(PATH + "/transition/end", (req, res) -> act(req, res, "transition", certs::endTransition));
    }

    private static String actor(ServerRequest req) {
        return req.context().get(User.class).orElseThrow().username();
    }

    private void show(ServerRequest req, ServerResponse res) {
        String flash = req.query().first("done").asOptional().map(DONE::get).orElse("");
        render(req, res, 200, Entered.EMPTY, Map.of(), flash);
    }

    private void upload(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        Entered entered = new Entered(f.first("chain").orElse(""), "", "", "", "EC");
        char[] pass = f.first("passphrase").orElse("").toCharArray();
        try {
            certs.install(Upload.pem(entered.chain(), f.first("key").filter(k -> !k.isBlank()),
                    pass.length == 0 ? Optional.empty() : Optional.of(new String(pass))), actor(req));
            Views.redirect(res, PATH + "?done=uploaded");
        } catch (CertificateRejectedException e) {
            render(req, res, 400, entered, Map.of(e.field(), sentence(e.getMessage())), "");
        } finally {
            Arrays.fill(pass, '\0');
        }
    }

    /** A PKCS#12 file as a form upload (no JavaScript needed); at most {@value #MAX_PKCS12} bytes. */
    private void uploadPkcs12(ServerRequest req, ServerResponse res) {
        byte[][] file = new byte[1][];
        Map<String, String> fields = dev.telltale.ui.FileForm.read(req, "pkcs12", (name, in) -> {
            try {
                file[0] = in.readNBytes(MAX_PKCS12 + 1);
            } catch (java.io.IOException e) {
                throw new UiException(400, "The file could not be read.");
            }
        });
        if (file[0].length > MAX_PKCS12) {
            render(req, res, 400, Entered.EMPTY, Map.of("pkcs12", "The file is larger than a PKCS#12 identity can be."), "");
            return;
        }
        char[] pass = fields.getOrDefault("passphrase", "").toCharArray();
        try {
            certs.install(new Upload(Optional.empty(), Optional.empty(),
                    pass.length == 0 ? Optional.empty() : Optional.of(new String(pass)), Optional.of(file[0])), actor(req));
            Views.redirect(res, PATH + "?done=uploaded");
        } catch (CertificateRejectedException e) {
            // Errors about the passphrase go next to this form's passphrase; the rest next to the file.
            String field = e.field().equals("passphrase") ? "p12passphrase" : "pkcs12";
            render(req, res, 400, Entered.EMPTY, Map.of(field, sentence(e.getMessage())), "");
        } finally {
            Arrays.fill(pass, '\0');
            Arrays.fill(file[0], (byte) 0);
        }
    }

    private void csr(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        Entered entered = new Entered("", f.first("cn").orElse("").strip(), f.first("org").orElse("").strip(),
                f.first("sans").orElse(""), f.first("key_type").orElse("EC"));
        if (entered.cn().isEmpty()) {
            render(req, res, 400, entered, Map.of("cn", "Enter the host name agents and browsers use."), "");
            return;
        }
        List<String> sans = entered.sans().lines().flatMap(l -> Arrays.stream(l.split(","))).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
        try {
            certs.createCsr(new CsrRequest(entered.cn(), Optional.of(entered.org()).filter(o -> !o.isEmpty()), sans,
                    entered.keyType()), actor(req));
            Views.redirect(res, PATH + "?done=csr#csr");
        } catch (CertificateRejectedException e) {
            render(req, res, 400, entered, Map.of("sans", sentence(e.getMessage())), "");
        }
    }

    private interface Action {
        void run(String actor);
    }

    private void act(ServerRequest req, ServerResponse res, String done, Action action) {
        Form.read(req);
        try {
            action.run(actor(req));
            Views.redirect(res, PATH + "?done=" + done);
        } catch (CertificateRejectedException e) {
            render(req, res, 409, Entered.EMPTY, Map.of("form", sentence(e.getMessage())), "");
        }
    }

    static final int MAX_PKCS12 = 256 * 1024;

    private static String sentence(String m) {
        String s = Character.toUpperCase(m.charAt(0)) + m.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }

    private void render(ServerRequest req, ServerResponse res, int status, Entered entered, Map<String, String> errors,
                        String flash) {
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Certificates"));
        m.put("certs", chain("", certs.serverChain()));
        m.put("pinned", CertView.of("CA pinned by agents", CertificateInfo.of(certs.caCertificate(), clock)));
        m.put("ingestDiffers", !certs.ingest().leaf().equals(certs.https().leaf()));
        m.put("ingest", chain("Agent port: ", certs.ingest().chain()));
        m.put("previous", certs.previousChain().map(c -> chain("Previous: ", c)).orElse(List.of()));
        m.put("transition", certs.transition().map(t -> Map.of("until", DAY.format(t.until()),
                "oldCa", t.previousCa().getSubjectX500Principal().getName(),
                "newCa", t.newCa().getSubjectX500Principal().getName())).orElse(Map.of()));
        m.put("csr", certs.pendingCsr().orElse(""));
        m.put("entered", entered);
        m.put("errors", errors);
        m.put("flash", flash);
        views.send(res, status, "certificates", m);
    }

    private List<CertView> chain(String prefix, List<X509Certificate> chain) {
        List<CertView> out = new ArrayList<>();
        out.add(CertView.of(prefix + "Server certificate", CertificateInfo.of(chain.get(0), clock)));
        for (int i = 1; i < chain.size(); i++) {
            out.add(CertView.of(prefix + (i == chain.size() - 1 ? "Root CA" : "Intermediate CA"),
                    CertificateInfo.of(chain.get(i), clock)));
        }
        return out;
    }
}
