package dev.telltale.certs;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * This instance's CA and TLS server identity. On first start a CA and a server certificate
 * signed by it are generated (BouncyCastle) under {@code DATA/tls}; private keys are written
 * with mode 0600. Admins may replace the identity with their own (validated first), generate a
 * signing request, roll back to the previous identity or regenerate the self-signed one; every
 * change is persisted crash-safely before {@link #onChange} listeners swap the listeners' TLS.
 * When a change moves to another root CA, a transition keeps the ingest listener on the
 * previous identity and hands agents both CAs until it ends.
 */
public interface CertificateStore {

    static CertificateStore loadOrCreate(Path dataDir, CertsConfig config) {
        return BcCertificateStore.loadOrCreate(dataDir, config);
    }

    /**
     * As {@link #loadOrCreate(Path, CertsConfig)}; uploads must cover {@code publicHost} and the
     * configured names, and every change is written to {@code changes} before it takes effect.
     */
    static CertificateStore open(Path dataDir, CertsConfig config, Optional<String> publicHost, Clock clock,
                                 ChangeLog changes) {
        return BcCertificateStore.open(dataDir, config, publicHost, clock, changes);
    }

    /** Records who changed what, never key material; a failure must stop the change. */
    @FunctionalInterface
    interface ChangeLog {
        void record(String actor, String action, String detail);
    }

    /** The CA agents change to: the previous one stays accepted by the ingest listener until {@code until}. */
    record Transition(X509Certificate previousCa, X509Certificate newCa, Instant until) {
    }

    /** The root CA of the identity the HTTPS listener presents. */
    X509Certificate caCertificate();

    /** The HTTPS listener's chain: the server certificate first, its root CA last. */
    List<X509Certificate> serverChain();

    PrivateKey serverKey();

    /** What the HTTPS listener presents. */
    TlsIdentity https();

    /** What the ingest listener presents: {@link #https()} except during a CA transition. */
    TlsIdentity ingest();

    /** PEM text agents pin: the current root CA, followed by the previous one during a transition. */
    String caPem();

    /** Whether agents pin exactly the appliance's own CA ({@code DATA/tls/ca.crt}): no upload, no transition. */
    boolean ownCaPinned();

    /** The chain a rollback would restore. */
    Optional<List<X509Certificate>> previousChain();

    Optional<Transition> transition();

    /** The PEM of the signing request awaiting its certificate. */
    Optional<String> pendingCsr();

    /**
     * Validates and installs an uploaded identity; without key and PKCS#12, the chain pairs with
     * the pending signing request's key.
     *
     * @throws CertificateRejectedException when anything is invalid; nothing changed then
     */
    void install(Upload upload, String actor);

    /** Creates a new signing request (replacing a pending one) and returns its PEM. */
    String createCsr(CsrRequest request, String actor);

    /**
     * Presents the previous identity again (the current one becomes the previous).
     *
     * @throws CertificateRejectedException when there is none or it has expired
     */
    void rollback(String actor);

    /** Issues a new server certificate from the appliance's own CA and presents it. */
    void regenerate(String actor);

    /**
     * Ends a CA transition now: the ingest listener presents the current identity.
     *
     * @throws CertificateRejectedException when no transition is running
     */
    void endTransition(String actor);

    /** Ends a transition whose time is up and renews a self-signed certificate near expiry. */
    void maintain();

    /** Called after each change, once the new identity is persisted. */
    void onChange(Runnable listener);
}
