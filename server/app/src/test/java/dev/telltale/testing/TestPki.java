package dev.telltale.testing;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Certificate chains made by tests (root → intermediate → leaf), in every form an Admin might
 * upload. Keys are RSA 2048 unless a test asks otherwise; names are DNS names or IP literals.
 */
public final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();

    public record Issued(X509Certificate cert, KeyPair keys) {
    }

    private TestPki() {
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits, RANDOM);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Issued root(String cn, Instant now) {
        KeyPair k = rsa(2048);
        return new Issued(build(new X500Name("CN=" + cn), k.getPublic(), new X500Name("CN=" + cn), k,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)), true, List.of()), k);
    }

    public static Issued intermediate(String cn, Issued issuer, Instant now) {
        KeyPair k = rsa(2048);
        return new Issued(build(new X500Name("CN=" + cn), k.getPublic(), name(issuer), issuer.keys(),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1825)), true, List.of()), k);
    }

    public static Issued leaf(String cn, Issued issuer, List<String> sans, Instant from, Instant until) {
        return leaf(cn, issuer, sans, from, until, rsa(2048));
    }

    public static Issued leaf(String cn, Issued issuer, List<String> sans, Instant from, Instant until, KeyPair k) {
        return new Issued(build(new X500Name("CN=" + cn), k.getPublic(), name(issuer), issuer.keys(), from, until,
                false, sans), k);
    }

    /** Signs a PEM signing request's public key and requested names with {@code issuer}. */
    public static X509Certificate signCsr(String csrPem, Issued issuer, Instant now) throws Exception {
        PKCS10CertificationRequest csr;
        try (PEMParser p = new PEMParser(new StringReader(csrPem))) {
            csr = (PKCS10CertificationRequest) p.readObject();
        }
        PublicKey key = new JcaPKCS10CertificationRequest(csr).getPublicKey();
        List<String> sans = new ArrayList<>();
        for (var attr : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            Extensions ext = Extensions.getInstance(attr.getAttrValues().getObjectAt(0));
            for (GeneralName n : GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName).getNames()) {
                sans.add(n.getTagNo() == GeneralName.dNSName ? n.getName().toString()
                        : InetAddress.getByAddress(DEROctetString.getInstance(n.getName()).getOctets()).getHostAddress());
            }
        }
        return build(csr.getSubject(), key, name(issuer), issuer.keys(), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(365)), false, sans);
    }

    private static X500Name name(Issued i) {
        return new X500Name(i.cert().getSubjectX500Principal().getName());
    }

    private static X509Certificate build(X500Name subject, PublicKey key, X500Name issuer, KeyPair issuerKeys,
                                         Instant from, Instant until, boolean ca, List<String> sans) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                    Date.from(from), Date.from(until), subject, key)
                    .addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(1) : new BasicConstraints(false));
            if (!sans.isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                for (String s : sans) {
                    names.add(Character.isDigit(s.charAt(0)) || s.contains(":")
                            ? new GeneralName(GeneralName.iPAddress, s) : new GeneralName(GeneralName.dNSName, s));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            String alg = issuerKeys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg)
                    .build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** PKCS#8 ("PRIVATE KEY"). */
    public static String pkcs8(KeyPair k) {
        return pem(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", k.getPrivate().getEncoded()));
    }

    /**
     * OpenSSL's traditional form: PKCS#1 ("RSA PRIVATE KEY") for RSA, SEC1 ("EC PRIVATE KEY") with
     * the curve named inside, as {@code openssl ecparam -genkey} writes it, for EC.
     */
    public static String traditional(KeyPair k) {
        if (k.getPrivate() instanceof java.security.interfaces.ECPrivateKey ec) {
            try {
                var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(ec.getEncoded());
                var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(),
                        info.getPrivateKeyAlgorithm().getParameters());
                return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return pem(k.getPrivate());
    }

    public static String encryptedPkcs8(KeyPair k, String passphrase) {
        try {
            var enc = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setProvider(new BouncyCastleProvider()).setRandom(RANDOM).setPassword(passphrase.toCharArray()).build();
            return pem(new JcaPKCS8Generator(k.getPrivate(), enc));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** OpenSSL's legacy encrypted PEM ("Proc-Type: 4,ENCRYPTED"). */
    public static String legacyEncrypted(KeyPair k, String passphrase) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(k.getPrivate(), new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder("AES-256-CBC")
                    .setProvider(new BouncyCastleProvider()).build(passphrase.toCharArray()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    public static byte[] pkcs12(KeyPair k, List<X509Certificate> chain, String passphrase) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", k.getPrivate(), passphrase.toCharArray(), chain.toArray(X509Certificate[]::new));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, passphrase.toCharArray());
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Certificates as one PEM text, in the given order. */
    public static String chain(X509Certificate... certs) {
        return pem((Object[]) certs);
    }

}
