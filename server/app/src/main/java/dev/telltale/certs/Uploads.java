package dev.telltale.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** Reads an {@link Upload} into an identity, before any validation of the chain itself. */
final class Uploads {
    private Uploads() {
    }

    static TlsIdentity read(Upload upload, Optional<Csr.Pending> pending) {
        if (upload.pkcs12().isPresent()) {
            if (upload.chainPem().isPresent() || upload.keyPem().isPresent()) {
                throw new CertificateRejectedException("pkcs12", "send either a PKCS#12 file or a PEM chain and key, not both");
            }
            return UploadReader.pkcs12(upload.pkcs12().get(), upload.passphrase());
        }
        List<X509Certificate> chain = UploadReader.chain(upload.chainPem().filter(c -> !c.isBlank())
                .orElseThrow(() -> new CertificateRejectedException("chain", "the certificate chain is required")));
        Optional<String> keyPem = upload.keyPem().filter(k -> !k.isBlank());
        if (keyPem.isPresent()) {
            return new TlsIdentity(UploadReader.key(keyPem.get(), upload.passphrase()), chain);
        }
        Csr.Pending csr = pending.orElseThrow(() -> new CertificateRejectedException("key",
                "the private key is required (no signing request is pending whose key could be used)"));
        if (!chain.getFirst().getPublicKey().equals(csr.publicKey())) {
            throw new CertificateRejectedException("chain", "the server certificate " + ChainCheck.name(chain.getFirst())
                    + " was not issued for the pending signing request (its public key differs); upload its key too");
        }
        PrivateKey key = csr.key();
        return new TlsIdentity(key, chain);
    }
}
