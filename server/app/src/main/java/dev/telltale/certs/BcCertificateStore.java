package dev.telltale.certs;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link CertificateStore} backed by PEM files under {@code DATA/tls}, generated with BouncyCastle. */
final class BcCertificateStore implements CertificateStore {

    private static final System.Logger LOG = System.getLogger(BcCertificateStore.class.getName());
    /** Reissue this long before expiry so a restart in the last month renews rather than breaks. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    /** The identity the ingest listener keeps presenting, and until when. */
    record Transition(TlsIdentity ingest, Instant until) {
    }

    /** Everything that changes together; replaced whole, read without locks. */
    private record State(TlsIdentity current, Optional<TlsIdentity> previous, Optional<Transition> transition,
                         Optional<Csr.Pending> csr) {
    }

    private final TlsDirectory files;
    private final CertsConfig config;
    private final Clock clock;
    private final SubjectNames generatedNames;
    private final SubjectNames uploadNames;
    private final Issuer issuer;
    private final Issuer.Issued ca;
    private final ChangeLog changes;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile State state;

    private BcCertificateStore(TlsDirectory files, CertsConfig config, Clock clock, SubjectNames generatedNames,
                               SubjectNames uploadNames, Issuer issuer, Issuer.Issued ca, ChangeLog changes, State state) {
        this.files = files;
        this.config = config;
        this.clock = clock;
        this.generatedNames = generatedNames;
        this.uploadNames = uploadNames;
        this.issuer = issuer;
        this.ca = ca;
        this.changes = changes;
        this.state = state;
    }

    static CertificateStore loadOrCreate(Path dataDir, CertsConfig config) {
        return loadOrCreate(dataDir, config, Clock.systemUTC(), localHostName());
    }

    static CertificateStore open(Path dataDir, CertsConfig config, Optional<String> publicHost, Clock clock,
                                 ChangeLog changes) {
        return load(dataDir, config, clock, localHostName(), publicHost, changes);
    }

    /** As {@link CertificateStore#loadOrCreate}, with the clock and host name under the caller's control. */
    static BcCertificateStore loadOrCreate(Path dataDir, CertsConfig config, Clock clock, Optional<String> hostName) {
        return load(dataDir, config, clock, hostName, Optional.empty(), (a, b, c) -> { });
    }

    static BcCertificateStore load(Path dataDir, CertsConfig config, Clock clock, Optional<String> hostName,
                                   Optional<String> publicHost, ChangeLog changes) {
        TlsDirectory files = new TlsDirectory(dataDir.resolve("tls"));
        PemFiles.ensurePrivateDirectory(files.dir());
        SubjectNames required = generatedNames(hostName, config, publicHost);
        Issuer issuer = new Issuer(new SecureRandom());
        Instant now = clock.instant();

        Issuer.Issued ca = OwnCa.loadOrCreate(files, issuer, hostName, now);
        files.finishIncoming();
        Optional<TlsIdentity> existing = loadServer(files, ca.certificate());
        Optional<String> reason = existing.filter(s -> ownIssued(s, ca.certificate()))
                .flatMap(s -> reissueReason(s.leaf(), required, now));
        TlsIdentity current;
        if (existing.isPresent() && reason.isEmpty()) {
            current = existing.get();
        } else {
            LOG.log(System.Logger.Level.INFO, "issuing a new TLS server certificate: {0}",
                    reason.orElse("none usable in " + files.dir()));
            current = issue(issuer, ca, required, config, now);
            files.writeCurrent(current);
        }
        Optional<Transition> transition = files.readTransition()
                .filter(t -> !t.ingest().root().equals(current.root()));
        State state = new State(current, files.readPrevious(), transition, files.readCsr());
        return new BcCertificateStore(files, config, clock, required,
                SubjectNames.forUpload(publicHost, config.names(), hostName), issuer, ca, changes, state);
    }

    /** Loopback, the host name, the configured names and the name agents are told to use. */
    private static SubjectNames generatedNames(Optional<String> hostName, CertsConfig config, Optional<String> publicHost) {
        List<String> names = new ArrayList<>(config.names());
        publicHost.ifPresent(names::add);
        return SubjectNames.required(hostName, names);
    }

    private static TlsIdentity issue(Issuer issuer, Issuer.Issued ca, SubjectNames names, CertsConfig config,
                                     Instant now) {
        Issuer.Issued server = issuer.newServer(ca.certificate(), ca.key(), names,
                Duration.ofDays(config.validityDays()), now);
        return new TlsIdentity(server.key(), List.of(server.certificate(), ca.certificate()));
    }

    /** The stored identity when both files exist, parse, match and chain to a root (the own CA is appended if missing). */
    private static Optional<TlsIdentity> loadServer(TlsDirectory files, X509Certificate ca) {
        if (!Files.exists(files.serverCert()) || !Files.exists(files.serverKey())) {
            return Optional.empty();
        }
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = new ArrayList<>(PemFiles.readChain(files.serverCert()));
            key = PemFiles.readPrivateKey(files.serverKey());
        } catch (CertificateStoreException e) {
            // The CA is what agents pin; a damaged server pair is simply replaced.
            LOG.log(System.Logger.Level.WARNING, "replacing an unreadable server certificate or key", e);
            return Optional.empty();
        }
        // Older versions wrote the server certificate alone.
        if (!chain.isEmpty() && !ChainCheck.selfIssued(chain.getLast()) && ChainCheck.signedBy(chain.getLast(), ca)) {
            chain.add(ca);
        }
        if (chain.isEmpty() || !ChainCheck.keyMatches(key, chain.getFirst().getPublicKey())
                || !ChainCheck.selfIssued(chain.getLast())) {
            LOG.log(System.Logger.Level.WARNING, "replacing a server certificate that does not match its key or chain");
            return Optional.empty();
        }
        return Optional.of(new TlsIdentity(key, chain));
    }

    private static boolean ownIssued(TlsIdentity id, X509Certificate ca) {
        return id.root().equals(ca);
    }

    private static Optional<String> reissueReason(X509Certificate cert, SubjectNames required, Instant now) {
        if (cert.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
            return Optional.of("the current one expires on " + cert.getNotAfter().toInstant());
        }
        if (!SubjectNames.of(cert).covers(required)) {
            return Optional.of("the current one lacks some of " + required.dnsNames() + " " + required.ipAddresses());
        }
        return Optional.empty();
    }

    static boolean signedBy(X509Certificate cert, X509Certificate ca) {
        return ChainCheck.signedBy(cert, ca);
    }

    private static Optional<String> localHostName() {
        try {
            return Optional.ofNullable(InetAddress.getLocalHost().getHostName());
        } catch (Exception e) {
            // A host without a resolvable name still gets a working certificate (loopback plus configured names).
            LOG.log(System.Logger.Level.WARNING, "cannot determine the local host name: {0}", e.toString());
            return Optional.empty();
        }
    }

    // ---- reads -------------------------------------------------------------------------------

    @Override
    public X509Certificate caCertificate() {
        return state.current().root();
    }

    @Override
    public List<X509Certificate> serverChain() {
        return state.current().chain();
    }

    @Override
    public PrivateKey serverKey() {
        return state.current().key();
    }

    @Override
    public TlsIdentity https() {
        return state.current();
    }

    @Override
    public TlsIdentity ingest() {
        State s = state;
        return s.transition().map(Transition::ingest).orElse(s.current());
    }

    @Override
    public String caPem() {
        State s = state;
        return PemFiles.toPem(s.current().root())
                + s.transition().map(t -> PemFiles.toPem(t.ingest().root())).orElse("");
    }

    @Override
    public boolean ownCaPinned() {
        State s = state;
        return s.transition().isEmpty() && ownIssued(s.current(), ca.certificate());
    }

    @Override
    public Optional<List<X509Certificate>> previousChain() {
        return state.previous().map(TlsIdentity::chain);
    }

    @Override
    public Optional<CertificateStore.Transition> transition() {
        State s = state;
        return s.transition().map(t -> new CertificateStore.Transition(t.ingest().root(), s.current().root(), t.until()));
    }

    @Override
    public Optional<String> pendingCsr() {
        return state.csr().map(Csr.Pending::pem);
    }

    // ---- changes -----------------------------------------------------------------------------

    @Override
    public synchronized void install(Upload upload, String actor) {
        State s = state;
        TlsIdentity id = Uploads.read(upload, s.csr());
        ChainCheck.check(id, uploadNames, clock.instant());
        boolean fromCsr = upload.keyPem().isEmpty() && upload.pkcs12().isEmpty();
        changes.record(actor, "certificate.upload", describe(id) + (fromCsr ? " (signed request)" : ""));
        commit(swapTo(s, id, Optional.of(s.current()), fromCsr ? Optional.empty() : s.csr()));
    }

    @Override
    public synchronized String createCsr(CsrRequest request, String actor) {
        Csr.Pending pending = Csr.create(request, new SecureRandom());
        changes.record(actor, "certificate.csr", "CN=" + request.commonName() + " " + request.keyType());
        State s = state;
        commit(new State(s.current(), s.previous(), s.transition(), Optional.of(pending)));
        return pending.pem();
    }

    @Override
    public synchronized void rollback(String actor) {
        State s = state;
        TlsIdentity back = s.previous().orElseThrow(() -> new CertificateRejectedException("rollback",
                "there is no previous certificate to roll back to"));
        if (back.leaf().getNotAfter().toInstant().isBefore(clock.instant())) {
            throw new CertificateRejectedException("rollback", "the previous certificate "
                    + ChainCheck.name(back.leaf()) + " expired on " + back.leaf().getNotAfter().toInstant());
        }
        changes.record(actor, "certificate.rollback", describe(back));
        commit(swapTo(s, back, Optional.of(s.current()), s.csr()));
    }

    @Override
    public synchronized void regenerate(String actor) {
        State s = state;
        TlsIdentity fresh = issue(issuer, ca, generatedNames, config, clock.instant());
        changes.record(actor, "certificate.regenerate", describe(fresh));
        commit(swapTo(s, fresh, Optional.of(s.current()), s.csr()));
    }

    @Override
    public synchronized void endTransition(String actor) {
        State s = state;
        if (s.transition().isEmpty()) {
            throw new CertificateRejectedException("transition", "no CA transition is running");
        }
        changes.record(actor, "certificate.transition.end", "agents now see " + ChainCheck.name(s.current().root()));
        commit(new State(s.current(), s.previous(), Optional.empty(), s.csr()));
    }

    @Override
    public synchronized void maintain() {
        State s = state;
        Instant now = clock.instant();
        if (s.transition().isPresent() && !now.isBefore(s.transition().get().until())) {
            changes.record("system", "certificate.transition.end", "transition period over");
            commit(new State(s.current(), s.previous(), Optional.empty(), s.csr()));
        }
        if (ownIssued(state.current(), ca.certificate())
                && state.current().leaf().getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
            regenerate("system");
        }
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * The state after presenting {@code next}. Agents are told about a new root at once; when the
     * root changes, the ingest listener keeps the identity agents already trust until the
     * transition ends (an ongoing transition keeps its older identity).
     */
    private State swapTo(State s, TlsIdentity next, Optional<TlsIdentity> previous, Optional<Csr.Pending> csr) {
        TlsIdentity agentsTrust = s.transition().map(Transition::ingest).orElse(s.current());
        Optional<Transition> transition = Optional.empty();
        // Never longer than the old certificate lives: an expired one would cut agents off anyway.
        Instant oldExpires = agentsTrust.leaf().getNotAfter().toInstant();
        Instant until = clock.instant().plus(Duration.ofDays(config.transitionDays()));
        if (!agentsTrust.root().equals(next.root()) && config.transitionDays() > 0 && clock.instant().isBefore(oldExpires)) {
            transition = Optional.of(s.transition().orElse(new Transition(agentsTrust,
                    until.isAfter(oldExpires) ? oldExpires : until)));
        }
        return new State(next, previous, transition, csr);
    }

    // Order matters for crash safety: everything a rollback or transition needs is on disk before the new identity.
    private void commit(State next) {
        State s = state;
        if (!next.previous().equals(s.previous())) {
            files.writePrevious(next.previous());
        }
        if (!next.transition().equals(s.transition())) {
            files.writeTransition(next.transition());
        }
        if (next.current() != s.current()) {
            files.writeCurrent(next.current());
        }
        if (!next.csr().equals(s.csr())) {
            files.writeCsr(next.csr());
        }
        state = next;
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "a listener failed to apply the new certificate", e);
            }
        }
    }

    private String describe(TlsIdentity id) {
        CertificateInfo i = CertificateInfo.of(id.leaf(), clock);
        return "subject " + i.subject() + ", issuer " + i.issuer() + ", sha256 " + i.sha256() + ", until " + i.notAfter();
    }
}
