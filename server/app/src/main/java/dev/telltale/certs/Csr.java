package dev.telltale.certs;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** PKCS#10 signing requests whose key never leaves the appliance. */
final class Csr {

    /** A request waiting for its certificate; the key is written 0600 and never shown. */
    record Pending(PrivateKey key, PublicKey publicKey, String pem) {
        static Pending of(PrivateKey key, String pem) {
            try (var parser = new org.bouncycastle.openssl.PEMParser(new StringReader(pem))) {
                Object o = parser.readObject();
                if (!(o instanceof PKCS10CertificationRequest r)) {
                    throw new CertificateStoreException("the pending signing request is not a PKCS#10 request");
                }
                return new Pending(key, new JcaPKCS10CertificationRequest(r).getPublicKey(), pem);
            } catch (IOException | GeneralSecurityException e) {
                throw new CertificateStoreException("cannot read the pending signing request", e);
            }
        }

        @Override
        public String toString() {
            return "Pending[csr]"; // never the key
        }
    }

    private Csr() {
    }

    static Pending create(CsrRequest req, SecureRandom random) {
        List<String> names = new ArrayList<>();
        names.add(req.commonName());
        names.addAll(req.extraNames());
        SubjectNames sans;
        try {
            sans = SubjectNames.required(Optional.empty(), names);
        } catch (dev.telltale.config.ConfigException e) {
            throw new CertificateRejectedException("csr", "'" + badName(names) + "' is neither a DNS name nor an IP address");
        }
        if (req.commonName().isBlank() || req.commonName().length() > 64) {
            throw new CertificateRejectedException("csr", "the common name must be 1 to 64 characters");
        }
        KeyPair keys = keys(req.keyType(), random);
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        req.organization().filter(o -> !o.isBlank()).ifPresent(o -> subject.addRDN(BCStyle.O, o));
        subject.addRDN(BCStyle.CN, req.commonName());
        try {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            // required() adds loopback names; a request to an enterprise CA carries only what was asked for.
            ext.addExtension(Extension.subjectAlternativeName, false, requested(sans, names).toGeneralNames());
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(subject.build(), keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                    .build(new JcaContentSignerBuilder(keys.getPrivate().getAlgorithm().equals("RSA")
                            ? "SHA256withRSA" : "SHA256withECDSA").build(keys.getPrivate()));
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                w.writeObject(csr);
            }
            return new Pending(keys.getPrivate(), keys.getPublic(), out.toString());
        } catch (IOException | OperatorCreationException e) {
            throw new CertificateStoreException("cannot create the signing request", e);
        }
    }

    private static SubjectNames requested(SubjectNames all, List<String> names) {
        SubjectNames only = SubjectNames.required(Optional.empty(), List.of());
        java.util.Set<String> dns = new java.util.LinkedHashSet<>(all.dnsNames());
        java.util.Set<java.net.InetAddress> ips = new java.util.LinkedHashSet<>(all.ipAddresses());
        if (names.stream().noneMatch(n -> n.equalsIgnoreCase("localhost"))) {
            dns.removeAll(only.dnsNames());
        }
        ips.removeIf(ip -> only.ipAddresses().contains(ip) && names.stream().noneMatch(n -> n.contains(ip.getHostAddress())));
        return new SubjectNames(dns, ips);
    }

    private static String badName(List<String> names) {
        for (String n : names) {
            try {
                SubjectNames.required(Optional.empty(), List.of(n));
            } catch (dev.telltale.config.ConfigException e) {
                return n;
            }
        }
        return "?";
    }

    private static KeyPair keys(String type, SecureRandom random) {
        try {
            return switch (type) {
                case "EC" -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"), random);
                    yield g.generateKeyPair();
                }
                case "RSA" -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(3072, random);
                    yield g.generateKeyPair();
                }
                default -> throw new CertificateRejectedException("csr", "key type must be EC or RSA, was '" + type + "'");
            };
        } catch (GeneralSecurityException e) {
            throw new CertificateStoreException("this JDK cannot generate " + type + " keys", e);
        }
    }
}
