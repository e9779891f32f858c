package dev.telltale.certs;

import dev.telltale.testing.MutableClock;
import dev.telltale.testing.TestPki;
import dev.telltale.testing.TestPki.Issued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uploads with real chains made here: what is accepted, what is refused and why, and what survives a restart. */
class CertUploadTest {
    static final String HOST = "telltale.example.com";
    final Instant now = NOW;
    final MutableClock clock = new MutableClock(now);
    final List<String> audit = new ArrayList<>();
    @TempDir
    Path data;
    // One PKI for all tests: RSA key generation dominates their time.
    static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    static final Issued root = TestPki.root("Example Root", NOW);
    static final Issued inter = TestPki.intermediate("Example Issuing CA", root, NOW);
    static final Issued leaf = TestPki.leaf(HOST, inter, List.of(HOST), NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(90)));

    BcCertificateStore open() {
        return BcCertificateStore.load(data, new CertsConfig(List.of(), 825, 14), clock, Optional.of("appliance-7"),
                Optional.of(HOST), (actor, action, detail) -> audit.add(actor + " " + action));
    }

    String goodChain() {
        return TestPki.chain(leaf.cert(), inter.cert(), root.cert());
    }

    CertificateRejectedException refused(BcCertificateStore store, Upload upload) {
        String before = store.https().leaf().getSerialNumber().toString();
        CertificateRejectedException e = assertThrows(CertificateRejectedException.class, () -> store.install(upload, "admin"));
        assertEquals(before, store.https().leaf().getSerialNumber().toString(), "a refusal changes nothing");
        assertTrue(audit.isEmpty(), "nothing audited for a refusal");
        return e;
    }

    @Test
    void aCompleteChainWithItsKeyIsPresentedAndTheOldCaStaysForAgentsDuringTheTransition() throws Exception {
        BcCertificateStore store = open();
        TlsIdentity before = store.https();
        assertTrue(store.ownCaPinned());
        int[] changes = {0};
        store.onChange(() -> changes[0]++);
        store.install(Upload.pem(goodChain(), Optional.of(TestPki.pkcs8(leaf.keys())), Optional.empty()), "admin");

        assertEquals(leaf.cert(), store.https().leaf());
        assertEquals(root.cert(), store.caCertificate());
        assertFalse(store.ownCaPinned());
        assertEquals(1, changes[0]);
        assertEquals(List.of("admin certificate.upload"), audit);
        assertEquals(before.leaf(), store.ingest().leaf(), "agents pinning the old CA keep streaming");
        assertTrue(store.caPem().contains(PemFiles.toPem(root.cert())) && store.caPem().contains(PemFiles.toPem(before.root())));
        assertEquals(now.plus(Duration.ofDays(14)), store.transition().orElseThrow().until());
        assertEquals(before.leaf(), store.previousChain().orElseThrow().getFirst());

        clock.advance(Duration.ofDays(15));
        store.maintain();
        assertEquals(leaf.cert(), store.ingest().leaf(), "the transition ended by itself");
        assertEquals(PemFiles.toPem(root.cert()), store.caPem());
    }

    @Test
    void aRestartKeepsTheUploadedCertificateThePreviousOneAndTheTransition() throws Exception {
        BcCertificateStore store = open();
        TlsIdentity before = store.https();
        store.install(Upload.pem(goodChain(), Optional.of(TestPki.pkcs8(leaf.keys())), Optional.empty()), "admin");

        BcCertificateStore again = open();
        assertEquals(leaf.cert(), again.https().leaf());
        assertEquals(List.of(leaf.cert(), inter.cert(), root.cert()), again.serverChain());
        assertEquals(before.leaf(), again.ingest().leaf());
        assertEquals(before.leaf(), again.previousChain().orElseThrow().getFirst());
        assertTrue(again.transition().isPresent());
        if (PemFiles.posix()) {
            for (String f : List.of("server.key", "previous.pem", "transition.pem")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tls/" + f))), f);
            }
        }
    }

    @Test
    void anInterruptedSwapIsFinishedAtTheNextStart() {
        BcCertificateStore store = open();
        PemFiles.writeBundle(data.resolve("tls/incoming.pem"), leaf.keys().getPrivate(),
                List.of(leaf.cert(), inter.cert(), root.cert()));
        assertNotEquals(leaf.cert(), store.https().leaf());
        assertEquals(leaf.cert(), open().https().leaf());
        assertFalse(Files.exists(data.resolve("tls/incoming.pem")));
    }

    @Test
    void rollbackPresentsThePreviousCertificateAndEndsTheTransition() {
        BcCertificateStore store = open();
        TlsIdentity before = store.https();
        store.install(Upload.pem(goodChain(), Optional.of(TestPki.pkcs8(leaf.keys())), Optional.empty()), "admin");
        store.rollback("admin");
        assertEquals(before.leaf(), store.https().leaf());
        assertEquals(before.leaf(), store.ingest().leaf());
        assertTrue(store.transition().isEmpty(), "back on the CA agents pin");
        assertEquals(leaf.cert(), store.previousChain().orElseThrow().getFirst(), "and the upload can be restored");
        assertEquals(before.leaf(), open().https().leaf());
    }

    @Test
    void withoutAPreviousCertificateRollbackIsRefused() {
        CertificateRejectedException e = assertThrows(CertificateRejectedException.class, () -> open().rollback("admin"));
        assertEquals("rollback", e.field());
    }

    @Test
    void regenerationIssuesAFreshSelfSignedCertificateFromTheSameCa() {
        BcCertificateStore store = open();
        TlsIdentity before = store.https();
        store.regenerate("admin");
        assertNotEquals(before.leaf(), store.https().leaf());
        assertEquals(before.root(), store.https().root());
        assertTrue(store.transition().isEmpty(), "same CA: nothing for agents to change");
    }

    @Test
    void aTransitionEndsNoLaterThanTheCertificateAgentsAreShown() {
        BcCertificateStore store = open();
        Issued otherRoot = TestPki.root("Other Root", now);
        Issued soon = TestPki.leaf(HOST, inter, List.of(HOST), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3)));
        store.install(Upload.pem(TestPki.chain(soon.cert(), inter.cert(), root.cert()),
                Optional.of(TestPki.pkcs8(soon.keys())), Optional.empty()), "admin");
        store.endTransition("admin");
        Issued next = TestPki.leaf(HOST, otherRoot, List.of(HOST), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)));
        store.install(Upload.pem(TestPki.chain(next.cert(), otherRoot.cert()), Optional.of(TestPki.pkcs8(next.keys())),
                Optional.empty()), "admin");
        assertEquals(soon.cert().getNotAfter().toInstant(), store.transition().orElseThrow().until());
    }

    @Test
    void anAdminEndsTheTransitionEarly() {
        BcCertificateStore store = open();
        store.install(Upload.pem(goodChain(), Optional.of(TestPki.pkcs8(leaf.keys())), Optional.empty()), "admin");
        store.endTransition("admin");
        assertEquals(leaf.cert(), store.ingest().leaf());
        assertTrue(open().transition().isEmpty());
        assertThrows(CertificateRejectedException.class, () -> store.endTransition("admin"));
    }

    @Test
    void theWrongKeyIsRefused() {
        CertificateRejectedException e = refused(open(), Upload.pem(goodChain(),
                Optional.of(TestPki.pkcs8(TestPki.rsa(2048))), Optional.empty()));
        assertEquals("key", e.field());
        assertTrue(e.getMessage().contains("does not belong to the server certificate"), e.getMessage());
    }

    @Test
    void expiredAndNotYetValidCertificatesAreRefused() {
        BcCertificateStore store = open();
        Issued old = TestPki.leaf(HOST, inter, List.of(HOST), now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1)));
        String m = refused(store, Upload.pem(TestPki.chain(old.cert(), inter.cert(), root.cert()),
                Optional.of(TestPki.pkcs8(old.keys())), Optional.empty())).getMessage();
        assertTrue(m.contains("expired on"), m);
        Issued early = TestPki.leaf(HOST, inter, List.of(HOST), now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(90)));
        m = refused(store, Upload.pem(TestPki.chain(early.cert(), inter.cert(), root.cert()),
                Optional.of(TestPki.pkcs8(early.keys())), Optional.empty())).getMessage();
        assertTrue(m.contains("is not valid yet"), m);
    }

    @Test
    void aMissingIntermediateOrRootIsRefused() {
        BcCertificateStore store = open();
        Optional<String> key = Optional.of(TestPki.pkcs8(leaf.keys()));
        String m = refused(store, Upload.pem(TestPki.chain(leaf.cert(), root.cert()), key, Optional.empty())).getMessage();
        assertTrue(m.contains("CN=Example Issuing CA") && m.contains("missing"), m);
        m = refused(store, Upload.pem(TestPki.chain(leaf.cert(), inter.cert()), key, Optional.empty())).getMessage();
        assertTrue(m.contains("incomplete") && m.contains("CN=Example Root"), m);
        m = refused(store, Upload.pem(TestPki.chain(leaf.cert()), key, Optional.empty())).getMessage();
        assertTrue(m.contains("incomplete"), m);
    }

    @Test
    void aChainInTheWrongOrderIsRefused() {
        BcCertificateStore store = open();
        Optional<String> key = Optional.of(TestPki.pkcs8(leaf.keys()));
        String m = refused(store, Upload.pem(TestPki.chain(leaf.cert(), root.cert(), inter.cert()), key, Optional.empty()))
                .getMessage();
        assertTrue(m.contains("out of order") && m.contains("certificate 3 of 3"), m);
        m = refused(store, Upload.pem(TestPki.chain(inter.cert(), leaf.cert(), root.cert()), key, Optional.empty()))
                .getMessage();
        assertTrue(m.contains("first certificate must be the server certificate"), m);
    }

    @Test
    void aCertificateForAnotherNameIsRefused() {
        Issued other = TestPki.leaf("other.example.com", inter, List.of("other.example.com"), now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(90)));
        String m = refused(open(), Upload.pem(TestPki.chain(other.cert(), inter.cert(), root.cert()),
                Optional.of(TestPki.pkcs8(other.keys())), Optional.empty())).getMessage();
        assertTrue(m.contains("do not cover the host name " + HOST) && m.contains("DNS:other.example.com"), m);
    }

    @Test
    void aWildcardCoversTheHostName() {
        Issued wild = TestPki.leaf("*.example.com", inter, List.of("*.example.com"), now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(90)));
        BcCertificateStore store = open();
        store.install(Upload.pem(TestPki.chain(wild.cert(), inter.cert(), root.cert()),
                Optional.of(TestPki.pkcs8(wild.keys())), Optional.empty()), "admin");
        assertEquals(wild.cert(), store.https().leaf());
    }

    @Test
    void aWeakKeyIsRefused() {
        Issued weak = TestPki.leaf(HOST, inter, List.of(HOST), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)),
                TestPki.rsa(1024));
        String m = refused(open(), Upload.pem(TestPki.chain(weak.cert(), inter.cert(), root.cert()),
                Optional.of(TestPki.pkcs8(weak.keys())), Optional.empty())).getMessage();
        assertTrue(m.contains("1024-bit RSA key"), m);
    }

    @Test
    void anEncryptedPkcs8KeyNeedsTheRightPassphrase() {
        BcCertificateStore store = open();
        Optional<String> key = Optional.of(TestPki.encryptedPkcs8(leaf.keys(), "s3cret pass"));
        CertificateRejectedException e = refused(store, Upload.pem(goodChain(), key, Optional.of("wrong")));
        assertEquals("passphrase", e.field());
        assertFalse(e.getMessage().contains("wrong"), "the passphrase is never echoed");
        assertEquals("passphrase", refused(store, Upload.pem(goodChain(), key, Optional.empty())).field());
        store.install(Upload.pem(goodChain(), key, Optional.of("s3cret pass")), "admin");
        assertEquals(leaf.cert(), store.https().leaf());
    }

    @Test
    void aPkcs1KeyIsAccepted() {
        BcCertificateStore store = open();
        String pkcs1 = TestPki.traditional(leaf.keys());
        assertTrue(pkcs1.contains("BEGIN RSA PRIVATE KEY"), pkcs1.lines().findFirst().orElse(""));
        store.install(Upload.pem(goodChain(), Optional.of(pkcs1), Optional.empty()), "admin");
        assertEquals(leaf.cert(), store.https().leaf());
    }

    @Test
    void aLegacyEncryptedKeyAndAnEcSec1KeyAreAccepted() {
        BcCertificateStore store = open();
        String legacy = TestPki.legacyEncrypted(leaf.keys(), "old school");
        assertTrue(legacy.contains("Proc-Type: 4,ENCRYPTED"));
        assertEquals("passphrase", refused(store, Upload.pem(goodChain(), Optional.of(legacy), Optional.of("new school")))
                .field());
        store.install(Upload.pem(goodChain(), Optional.of(legacy), Optional.of("old school")), "admin");
        assertEquals(leaf.cert(), store.https().leaf());

        Issued ec = TestPki.leaf(HOST, inter, List.of(HOST), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)),
                TestPki.ec());
        String sec1 = TestPki.traditional(ec.keys());
        assertTrue(sec1.contains("BEGIN EC PRIVATE KEY"), sec1.lines().findFirst().orElse(""));
        store.install(Upload.pem(TestPki.chain(ec.cert(), inter.cert(), root.cert()), Optional.of(sec1), Optional.empty()),
                "admin");
        assertEquals(ec.cert(), store.https().leaf());
    }

    @Test
    void aPkcs12FileNeedsTheRightPassphrase() {
        BcCertificateStore store = open();
        byte[] p12 = TestPki.pkcs12(leaf.keys(), List.of(leaf.cert(), inter.cert(), root.cert()), "p12 pass");
        assertEquals("passphrase", refused(store, Upload.pkcs12(p12, Optional.of("nope"))).field());
        assertEquals("pkcs12", refused(store, Upload.pkcs12(new byte[]{1, 2, 3}, Optional.of("x"))).field());
        store.install(Upload.pkcs12(p12, Optional.of("p12 pass")), "admin");
        assertEquals(leaf.cert(), store.https().leaf());
    }

    @Test
    void aSignedRequestUploadedAloneUsesTheKeyKeptOnTheAppliance() throws Exception {
        BcCertificateStore store = open();
        String csr = store.createCsr(new CsrRequest(HOST, Optional.of("Example Corp"), List.of("10.1.2.3"), "EC"), "admin");
        assertTrue(csr.contains("BEGIN CERTIFICATE REQUEST"));
        if (PemFiles.posix()) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tls/csr.key"))));
        }
        assertEquals(Optional.of(csr), open().pendingCsr(), "the request survives a restart");
        var signed = TestPki.signCsr(csr, inter, now);
        assertTrue(SubjectNames.of(signed).dnsNames().contains(HOST));
        // A certificate for some other key cannot pair with the request.
        audit.clear();
        assertEquals("chain", refused(store, Upload.pem(goodChain(), Optional.empty(), Optional.empty())).field());
        store.install(Upload.pem(TestPki.chain(signed, inter.cert(), root.cert()), Optional.empty(), Optional.empty()),
                "admin");
        assertEquals(signed, store.https().leaf());
        assertTrue(store.pendingCsr().isEmpty());
        assertFalse(Files.exists(data.resolve("tls/csr.key")));
        assertEquals(signed, open().https().leaf());
    }

    @Test
    void withoutKeyOrPendingRequestTheKeyIsRequired() {
        assertEquals("key", refused(open(), Upload.pem(goodChain(), Optional.empty(), Optional.empty())).field());
    }

    @Test
    void garbageAndMisplacedKeysGetPreciseMessages() {
        BcCertificateStore store = open();
        String m = refused(store, Upload.pem("hello", Optional.of(TestPki.pkcs8(leaf.keys())), Optional.empty())).getMessage();
        assertTrue(m.contains("no certificate found"), m);
        m = refused(store, Upload.pem(goodChain() + TestPki.pkcs8(leaf.keys()), Optional.of(TestPki.pkcs8(leaf.keys())),
                Optional.empty())).getMessage();
        assertTrue(m.contains("key field"), m);
        m = refused(store, Upload.pem(goodChain(), Optional.of(TestPki.chain(leaf.cert())), Optional.empty())).getMessage();
        assertTrue(m.contains("not a private key"), m);
    }
}
