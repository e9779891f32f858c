package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.certs.CertificateInfo;
import dev.telltale.certs.CertificateStore;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;

/**
 * {@code GET /api/v1/certificates/server}: the TLS server certificate both listeners present
 * and its chain (subject, SANs, issuer, fingerprints, expiry); {@code GET /api/v1/certificates/ca.pem}:
 * the CA agents pin.
 */
final class CertificatesApi implements HttpService {
    private final CertificateStore certs;
    private final Clock clock;

    CertificatesApi(CertificateStore certs, Clock clock) {
        this.certs = certs;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/server", this::server).get("/ca.pem", this::ca);
    }

    private void server(ServerRequest req, ServerResponse res) {
        ObjectNode out = Json.object();
        ArrayNode chain = out.putArray("chain");
        for (X509Certificate c : certs.serverChain()) {
            chain.add(render(CertificateInfo.of(c, clock)));
        }
        out.set("server", chain.get(0));
        out.set("ca", render(CertificateInfo.of(certs.caCertificate(), clock)));
        Json.send(res, out);
    }

    private void ca(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/x-pem-file");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"telltale-ca.pem\"");
        res.send(certs.caPem().getBytes(StandardCharsets.US_ASCII));
    }

    static ObjectNode render(CertificateInfo i) {
        ObjectNode o = Json.object().put("subject", i.subject()).put("issuer", i.issuer()).put("serial", i.serial())
                .put("not_before", i.notBefore().toString()).put("not_after", i.notAfter().toString())
                .put("days_left", i.daysLeft()).put("key", i.key()).put("sha256", i.sha256()).put("sha1", i.sha1())
                .put("ca", i.ca());
        ArrayNode sans = o.putArray("subject_alt_names");
        i.subjectAltNames().forEach(sans::add);
        return o;
    }
}
