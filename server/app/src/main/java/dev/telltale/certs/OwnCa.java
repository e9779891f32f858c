package dev.telltale.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/** The appliance's own CA under {@code DATA/tls}: created once, then only loaded and checked. */
final class OwnCa {
    private static final System.Logger LOG = System.getLogger(OwnCa.class.getName());

    private OwnCa() {
    }

    static Issuer.Issued loadOrCreate(TlsDirectory files, Issuer issuer, Optional<String> hostName, Instant now) {
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
        if (!ChainCheck.keyMatches(key, cert.getPublicKey())) {
            throw new CertificateStoreException(files.caKey() + " does not belong to " + files.caCert()
                    + "; restore the matching pair from a backup");
        }
        if (cert.getNotAfter().toInstant().isBefore(now.plus(BcCertificateStore.RENEW_BEFORE))) {
            LOG.log(System.Logger.Level.WARNING, "the appliance CA expires on {0}; agents will stop trusting it then",
                    cert.getNotAfter().toInstant());
        }
        return new Issuer.Issued(cert, key);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete stale {0}", file);
        }
    }
}
