package dev.telltale.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A private key and the chain presented with it: server certificate first, root CA last. */
public record TlsIdentity(PrivateKey key, List<X509Certificate> chain) {
    public TlsIdentity {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a TLS identity needs a certificate");
        }
    }

    public X509Certificate leaf() {
        return chain.getFirst();
    }

    public X509Certificate root() {
        return chain.getLast();
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + leaf().getSubjectX500Principal() + "]"; // never the key
    }
}
