package dev.telltale.certs;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * This instance's CA and TLS server certificate. On first start a CA and a server
 * certificate signed by it are generated (BouncyCastle) under {@code DATA/tls}; private keys
 * are written with mode 0600. Later starts load them.
 */
public interface CertificateStore {

    static CertificateStore loadOrCreate(Path dataDir, CertsConfig config) {
        return BcCertificateStore.loadOrCreate(dataDir, config);
    }

    X509Certificate caCertificate();

    /** The server certificate first, then the CA. */
    List<X509Certificate> serverChain();

    PrivateKey serverKey();

    /** PEM text of the CA certificate, as agents pin it. */
    String caPem();
}
