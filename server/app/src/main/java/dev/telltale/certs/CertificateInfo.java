package dev.telltale.certs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/** What people check about a certificate: who, by whom, for which names, until when, and its fingerprints. */
public record CertificateInfo(String subject, String issuer, String serial, Instant notBefore, Instant notAfter,
                              long daysLeft, List<String> subjectAltNames, String key, String sha256, String sha1,
                              boolean ca) {
    public CertificateInfo {
        subjectAltNames = List.copyOf(subjectAltNames);
    }

    /** Reads {@code cert}; days left are counted from {@code clock}'s now (negative once expired). */
    public static CertificateInfo of(X509Certificate cert, Clock clock) {
        Instant until = cert.getNotAfter().toInstant();
        return new CertificateInfo(cert.getSubjectX500Principal().getName(), cert.getIssuerX500Principal().getName(),
                cert.getSerialNumber().toString(16), cert.getNotBefore().toInstant(), until,
                Duration.between(clock.instant(), until).toDays(), names(cert), key(cert),
                fingerprint(cert, "SHA-256"), fingerprint(cert, "SHA-1"), cert.getBasicConstraints() >= 0);
    }

    private static List<String> names(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    String prefix = type == 2 ? "DNS:" : type == 7 ? "IP:" : type == 1 ? "email:" : type == 6 ? "URI:" : "other:";
                    out.add(prefix + san.get(1));
                }
            }
        } catch (CertificateParsingException e) {
            out.add("(unreadable subject alternative names)");
        }
        return out;
    }

    private static String key(X509Certificate cert) {
        return switch (cert.getPublicKey()) {
            case RSAPublicKey r -> "RSA " + r.getModulus().bitLength() + " bits";
            case ECPublicKey e -> "EC " + e.getParams().getCurve().getField().getFieldSize() + " bits";
            default -> cert.getPublicKey().getAlgorithm();
        };
    }

    private static String fingerprint(X509Certificate cert, String algorithm) {
        try {
            byte[] d = MessageDigest.getInstance(algorithm).digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }
}
