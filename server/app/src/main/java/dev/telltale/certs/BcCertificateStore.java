package dev.telltale.certs;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link CertificateStore} backed by PEM files under {@code DATA/tls}, generated with BouncyCastle. */
final class BcCertificateStore implements CertificateStore {

    private static final System.Logger LOG = System.getLogger(BcCertificateStore.class.getName());
    /** Reissue this long before expiry so a restart in the last month renews rather than breaks. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final X509Certificate ca;
    private final X509Certificate server;
    private final PrivateKey serverKey;
    private final String caPem;

    private BcCertificateStore(X509Certificate ca, X509Certificate server, PrivateKey serverKey) {
        this.ca = ca;
        this.server = server;
        this.serverKey = serverKey;
        this.caPem = PemFiles.toPem(ca);
    }

    static CertificateStore loadOrCreate(Path dataDir, CertsConfig config) {
        return loadOrCreate(dataDir, config, Clock.systemUTC(), localHostName());
    }

    /** As {@link CertificateStore#loadOrCreate}, with the clock and host name under the caller's control. */
    static CertificateStore loadOrCreate(Path dataDir, CertsConfig config, Clock clock, Optional<String> hostName) {
        TlsFiles files = new TlsFiles(dataDir.resolve("tls"));
        PemFiles.ensurePrivateDirectory(files.dir());
        SubjectNames required = SubjectNames.required(hostName, config.names());
        Issuer issuer = new Issuer(new SecureRandom());
        Instant now = clock.instant();

        Issuer.Issued ca = loadOrCreateCa(files, issuer, hostName, now);
        Optional<Issuer.Issued> existing = loadServer(files, ca.certificate());
        Optional<String> reason = existing.flatMap(s -> reissueReason(s.certificate(), required, now));
        if (existing.isPresent() && reason.isEmpty()) {
            return new BcCertificateStore(ca.certificate(), existing.get().certificate(), existing.get().key());
        }
        LOG.log(System.Logger.Level.INFO, "issuing a new TLS server certificate: {0}",
                reason.orElse("none usable in " + files.dir()));
        Issuer.Issued server = issuer.newServer(ca.certificate(), ca.key(), required,
                Duration.ofDays(config.validityDays()), now);
        // Key first: a crash between the two writes leaves a key/certificate mismatch,
        // which the next start detects and repairs by issuing again.
        PemFiles.writePrivateKey(files.serverKey(), server.key());
        PemFiles.writeCertificate(files.serverCert(), server.certificate());
        return new BcCertificateStore(ca.certificate(), server.certificate(), server.key());
    }

    private static Issuer.Issued loadOrCreateCa(TlsFiles files, Issuer issuer, Optional<String> hostName, Instant now) {
        boolean haveCert = Files.exists(files.caCert());
        boolean haveKey = Files.exists(files.caKey());
        if (!haveCert && !haveKey) {
            LOG.log(System.Logger.Level.INFO, "creating the appliance certificate authority in {0}", files.dir());
            Issuer.Issued ca = issuer.newCa(hostName.orElse("appliance"), now);
            PemFiles.writePrivateKey(files.caKey(), ca.key());
            PemFiles.writeCertificate(files.caCert(), ca.certificate());
            // A new CA invalidates any server certificate left behind by an older one.
            deleteQuietly(files.serverCert());
            return ca;
        }
        if (haveCert != haveKey) {
            Path missing = haveCert ? files.caKey() : files.caCert();
            throw new CertificateStoreException(missing + " is missing. Restore it from a backup, or delete "
                    + files.dir() + " to create a new CA (every agent pinning the old CA must then be reinstalled)");
        }
        X509Certificate cert = PemFiles.readCertificate(files.caCert());
        PrivateKey key = PemFiles.readPrivateKey(files.caKey());
        if (!keyMatches(key, cert)) {
            throw new CertificateStoreException(files.caKey() + " does not belong to " + files.caCert()
                    + "; restore the matching pair from a backup");
        }
        if (cert.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
            LOG.log(System.Logger.Level.WARNING, "the appliance CA expires on {0}; agents will stop trusting it then",
                    cert.getNotAfter().toInstant());
        }
        return new Issuer.Issued(cert, key);
    }

    /** The stored server pair when both files exist, parse, match and chain to {@code ca}. */
    private static Optional<Issuer.Issued> loadServer(TlsFiles files, X509Certificate ca) {
        if (!Files.exists(files.serverCert()) || !Files.exists(files.serverKey())) {
            return Optional.empty();
        }
        X509Certificate cert;
        PrivateKey key;
        try {
            cert = PemFiles.readCertificate(files.serverCert());
            key = PemFiles.readPrivateKey(files.serverKey());
        } catch (CertificateStoreException e) {
            // The CA is what agents pin; a damaged server pair is simply replaced.
            LOG.log(System.Logger.Level.WARNING, "replacing an unreadable server certificate or key", e);
            return Optional.empty();
        }
        if (!keyMatches(key, cert) || !signedBy(cert, ca)) {
            LOG.log(System.Logger.Level.WARNING, "replacing a server certificate that does not match its key or the CA");
            return Optional.empty();
        }
        return Optional.of(new Issuer.Issued(cert, key));
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
        try {
            cert.verify(ca.getPublicKey());
            return cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    // Proves possession: a signature made with the key must verify under the certificate.
    private static boolean keyMatches(PrivateKey key, X509Certificate cert) {
        try {
            byte[] challenge = "telltale key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(Issuer.SIGNATURE_ALGORITHM);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(Issuer.SIGNATURE_ALGORITHM);
            v.initVerify(cert.getPublicKey());
            v.update(challenge);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
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

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete stale {0}", file);
        }
    }

    @Override
    public X509Certificate caCertificate() {
        return ca;
    }

    @Override
    public List<X509Certificate> serverChain() {
        return List.of(server, ca);
    }

    @Override
    public PrivateKey serverKey() {
        return serverKey;
    }

    @Override
    public String caPem() {
        return caPem;
    }

    /** The file layout under {@code DATA/tls}. */
    private record TlsFiles(Path dir) {
        Path caCert() {
            return dir.resolve("ca.crt");
        }

        Path caKey() {
            return dir.resolve("ca.key");
        }

        Path serverCert() {
            return dir.resolve("server.crt");
        }

        Path serverKey() {
            return dir.resolve("server.key");
        }
    }
}
