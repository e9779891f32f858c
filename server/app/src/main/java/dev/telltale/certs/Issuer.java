package dev.telltale.certs;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

/**
 * Makes EC P-256 keys and the two kinds of certificate this appliance needs. Uses the JDK's
 * providers for keys and signatures; BouncyCastle only builds the ASN.1, so no provider is
 * registered globally.
 */
final class Issuer {

    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    /** Agents pin the CA, so it outlives many server certificates; replacing it means redeploying agents. */
    static final Duration CA_VALIDITY = Duration.ofDays(20 * 365);
    /** Tolerates clients whose clocks run a little behind the appliance's. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private final SecureRandom random;

    Issuer(SecureRandom random) {
        this.random = random;
    }

    record Issued(X509Certificate certificate, PrivateKey key) {
    }

    Issued newCa(String hostLabel, Instant now) {
        KeyPair keys = newKeyPair();
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        // The random suffix keeps two appliances on the same host name from sharing a subject.
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Telltale")
                .addRDN(BCStyle.CN, clip("Telltale CA " + clip(hostLabel, 40) + " " + HexFormat.of().formatHex(suffix)))
                .build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), subject, keys.getPublic())
                    // Path length 0: this CA signs server certificates only, never another CA.
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new Issued(sign(b, keys.getPrivate()), keys.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new CertificateStoreException("cannot create the CA certificate", e);
        }
    }

    Issued newServer(X509Certificate ca, PrivateKey caKey, SubjectNames names, Duration validity, Instant now) {
        KeyPair keys = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Telltale")
                .addRDN(BCStyle.CN, clip(names.commonName()))
                .build();
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
            notAfter = ca.getNotAfter().toInstant(); // a certificate cannot usefully outlive its issuer
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, names.toGeneralNames())
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
            return new Issued(sign(b, caKey), keys.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new CertificateStoreException("cannot create the server certificate", e);
        }
    }

    private KeyPair newKeyPair() {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"), random);
            return kpg.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new CertificateStoreException("this JDK cannot generate EC P-256 keys", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuerKey)));
        } catch (OperatorCreationException e) {
            throw new CertificateStoreException("cannot sign a certificate with " + SIGNATURE_ALGORITHM, e);
        }
    }

    // RFC 5280 caps a common name at 64 characters; clients match on the SANs anyway.
    private static String clip(String s) {
        return clip(s, 64);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    // RFC 5280: positive, at most 20 octets; 159 random bits plus one is both, and never zero.
    private BigInteger serial() {
        return new BigInteger(159, random).add(BigInteger.ONE);
    }
}
