package dev.telltale.certs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The rules an uploaded identity must pass before any listener presents it. Each refusal names
 * the certificate by subject and says what to change.
 */
final class ChainCheck {
    static final int MIN_RSA_BITS = 2048;
    static final int MIN_EC_BITS = 256;
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    private ChainCheck() {
    }

    /**
     * Validates {@code id} for {@code required} names at {@code now}.
     *
     * @throws CertificateRejectedException naming the first problem found
     */
    static void check(TlsIdentity id, SubjectNames required, Instant now) {
        List<X509Certificate> chain = id.chain();
        X509Certificate leaf = chain.getFirst();
        if (leaf.getBasicConstraints() >= 0) {
            throw reject("the first certificate must be the server certificate, but " + name(leaf)
                    + " is a CA certificate; put the server certificate first, then each issuer");
        }
        order(chain);
        for (X509Certificate c : chain) {
            dates(c, now);
            strength(c.getPublicKey(), name(c));
            if (c.getSigAlgName().toUpperCase(Locale.ROOT).matches(".*(MD5|SHA1).*")) {
                throw reject(name(c) + " is signed with " + c.getSigAlgName() + ", which TLS clients refuse");
            }
        }
        if (!keyMatches(id.key(), leaf.getPublicKey())) {
            throw new CertificateRejectedException("key", "the private key does not belong to the server certificate "
                    + name(leaf));
        }
        serverAuth(leaf);
        SubjectNames present = SubjectNames.of(leaf);
        for (String dns : required.dnsNames()) {
            if (present.dnsNames().stream().noneMatch(san -> matches(san, dns))) {
                throw reject("the server certificate's subject alternative names " + present.describe()
                        + " do not cover the host name " + dns);
            }
        }
        for (var ip : required.ipAddresses()) {
            if (!present.ipAddresses().contains(ip)) {
                throw reject("the server certificate's subject alternative names " + present.describe()
                        + " do not cover the address " + ip.getHostAddress());
            }
        }
    }

    private static void order(List<X509Certificate> chain) {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            if (selfIssued(c)) {
                if (i != chain.size() - 1) {
                    throw reject("the root CA " + name(c) + " must come last, but it is certificate " + (i + 1)
                            + " of " + chain.size());
                }
                if (!signedBy(c, c)) {
                    throw reject("the root CA " + name(c) + " has an invalid self-signature");
                }
                return;
            }
            if (i == chain.size() - 1) {
                throw reject("the chain is incomplete: " + name(c) + " was issued by "
                        + c.getIssuerX500Principal().getName() + ", which is missing; append the intermediate and root CA"
                        + " certificates (agents pin the root)");
            }
            X509Certificate next = chain.get(i + 1);
            if (!signedBy(c, next)) {
                int at = indexOfIssuer(chain, c);
                throw reject(at >= 0 ? "the chain is out of order: " + name(c) + " must be followed by its issuer, which is"
                        + " certificate " + (at + 1) + " of " + chain.size()
                        : "the chain is broken: " + name(c) + " was not issued by the next certificate, " + name(next)
                        + "; its issuer " + c.getIssuerX500Principal().getName() + " is missing");
            }
            if (next.getBasicConstraints() < 0) {
                throw reject(name(next) + " signs " + name(c) + " but is not a CA certificate");
            }
        }
    }

    private static int indexOfIssuer(List<X509Certificate> chain, X509Certificate c) {
        for (int j = 0; j < chain.size(); j++) {
            if (chain.get(j) != c && signedBy(c, chain.get(j))) {
                return j;
            }
        }
        return -1;
    }

    private static void dates(X509Certificate c, Instant now) {
        if (now.isBefore(c.getNotBefore().toInstant())) {
            throw reject(name(c) + " is not valid yet: its validity starts " + c.getNotBefore().toInstant());
        }
        if (now.isAfter(c.getNotAfter().toInstant())) {
            throw reject(name(c) + " expired on " + c.getNotAfter().toInstant());
        }
    }

    static void strength(PublicKey key, String who) {
        if (key instanceof RSAKey r && r.getModulus().bitLength() < MIN_RSA_BITS) {
            throw reject(who + " has a " + r.getModulus().bitLength() + "-bit RSA key; at least " + MIN_RSA_BITS
                    + " bits are required");
        }
        if (key instanceof ECKey e && e.getParams().getCurve().getField().getFieldSize() < MIN_EC_BITS) {
            throw reject(who + " has a " + e.getParams().getCurve().getField().getFieldSize()
                    + "-bit EC key; at least " + MIN_EC_BITS + " bits are required");
        }
        if (!(key instanceof RSAKey) && !(key instanceof ECKey)) {
            throw reject(who + " has a " + key.getAlgorithm() + " key; only RSA and EC keys are supported");
        }
    }

    private static void serverAuth(X509Certificate leaf) {
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(SERVER_AUTH) && !eku.contains("2.5.29.37.0")) {
                throw reject("the server certificate " + name(leaf) + " is not allowed for TLS servers (its extended key"
                        + " usage lacks serverAuth)");
            }
        } catch (CertificateParsingException e) {
            throw reject("the extended key usage of " + name(leaf) + " cannot be read");
        }
    }

    /** RFC 6125: a wildcard stands for exactly one left-most label. */
    static boolean matches(String san, String host) {
        if (san.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equals(san.substring(2));
        }
        return san.equals(host);
    }

    static boolean selfIssued(X509Certificate c) {
        return c.getIssuerX500Principal().equals(c.getSubjectX500Principal());
    }

    static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
        try {
            cert.verify(issuer.getPublicKey());
            return cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Proves possession: a signature made with the key must verify under the certificate's public key. */
    static boolean keyMatches(PrivateKey key, PublicKey cert) {
        if (!key.getAlgorithm().equals(cert.getAlgorithm())) {
            return false;
        }
        String alg = cert.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            byte[] challenge = "telltale key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert);
            v.update(challenge);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static String name(X509Certificate c) {
        return "'" + c.getSubjectX500Principal().getName() + "'";
    }

    private static CertificateRejectedException reject(String message) {
        return new CertificateRejectedException("chain", message);
    }
}
