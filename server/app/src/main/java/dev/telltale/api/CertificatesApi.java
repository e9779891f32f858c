package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.certs.CertificateInfo;
import dev.telltale.certs.CertificateRejectedException;
import dev.telltale.certs.CsrRequest;
import dev.telltale.certs.Upload;
import dev.telltale.certs.CertificateStore;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/v1/certificates/server}: the TLS server certificate the HTTPS listener
 * presents and its chain (subject, SANs, issuer, fingerprints, expiry), what the ingest listener
 * presents, the previous chain, the CA transition and the pending signing request;
 * {@code GET /api/v1/certificates/ca.pem}: the CA(s) agents pin. Changes (Admins): {@code PUT
 * /server} uploads an identity, {@code POST /server/rollback}, {@code POST /server/regenerate},
 * {@code POST /csr} (and {@code GET /csr}), {@code POST /transition/end}. Refusals are problems
 * naming the field at fault; key material and passphrases are never returned.
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
        rules.get("/server", this::server).get("/ca.pem", this::ca)
                .put("/server", this::upload)
                .post("/server/rollback", (req, res) -> change(req, res, () -> certs.rollback(actor(req))))
                .post("/server/regenerate", (req, res) -> change(req, res, () -> certs.regenerate(actor(req))))
                .post("/transition/end", (req, res) -> change(req, res, () -> certs.endTransition(actor(req))))
                .get("/csr", this::pendingCsr)
                .post("/csr", this::createCsr);
    }

    private static String actor(ServerRequest req) {
        return Principal.user(req).username();
    }

    private void change(ServerRequest req, ServerResponse res, Runnable action) {
        action.run();
        server(req, res);
    }

    private void upload(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "chain_pem", "key_pem", "passphrase", "pkcs12_base64");
        Optional<byte[]> p12 = Json.optionalText(body, "pkcs12_base64").map(b64 -> {
            try {
                return Base64.getMimeDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("'pkcs12_base64' is not base64");
            }
        });
        Upload upload = new Upload(Json.optionalText(body, "chain_pem"), Json.optionalText(body, "key_pem"),
                Json.optionalText(body, "passphrase"), p12);
        certs.install(upload, actor(req));
        server(req, res);
    }

    private void pendingCsr(ServerRequest req, ServerResponse res) {
        Json.send(res, Json.object().put("csr_pem", certs.pendingCsr().orElse(null)));
    }

    private void createCsr(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "common_name", "organization", "subject_alt_names", "key_type");
        List<String> sans = new ArrayList<>();
        JsonNode n = body.get("subject_alt_names");
        if (n != null && !n.isNull()) {
            if (!n.isArray()) {
                throw ApiProblem.badRequest("'subject_alt_names' must be a list of strings");
            }
            n.forEach(e -> sans.add(e.asText()));
        }
        String pem = certs.createCsr(new CsrRequest(Json.text(body, "common_name"), Json.optionalText(body, "organization"),
                sans, Json.optionalText(body, "key_type").orElse("EC")), actor(req));
        Json.send(res, Json.object().put("csr_pem", pem));
    }

    /** A refused certificate change: 400 for bad input, 409 when the state does not allow it. */
    static ApiProblem problem(CertificateRejectedException e) {
        boolean conflict = e.field().equals("rollback") || e.field().equals("transition");
        return new ApiProblem(conflict ? 409 : 400, conflict ? "Conflict" : "Certificate Rejected",
                e.field() + ": " + e.getMessage());
    }

    private void server(ServerRequest req, ServerResponse res) {
        ObjectNode out = Json.object();
        ArrayNode chain = out.putArray("chain");
        for (X509Certificate c : certs.serverChain()) {
            chain.add(render(CertificateInfo.of(c, clock)));
        }
        out.set("server", chain.get(0));
        out.set("ca", render(CertificateInfo.of(certs.caCertificate(), clock)));
        ArrayNode ingest = out.putArray("ingest_chain");
        certs.ingest().chain().forEach(c -> ingest.add(render(CertificateInfo.of(c, clock))));
        if (certs.previousChain().isPresent()) {
            ArrayNode prev = out.putArray("previous_chain");
            certs.previousChain().get().forEach(c -> prev.add(render(CertificateInfo.of(c, clock))));
        } else {
            out.putNull("previous_chain");
        }
        certs.transition().ifPresentOrElse(t -> out.putObject("transition").put("until", t.until().toString())
                        .put("previous_ca_sha256", CertificateInfo.of(t.previousCa(), clock).sha256())
                        .put("new_ca_sha256", CertificateInfo.of(t.newCa(), clock).sha256()),
                () -> out.putNull("transition"));
        out.put("csr_pending", certs.pendingCsr().isPresent());
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
