package dev.telltale.certs;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Turns uploaded text or bytes into keys and certificates, with a precise refusal for anything else. */
final class UploadReader {
    // An instance, never registered globally: only the decryption of uploaded keys uses it.
    private static final Provider BC = new BouncyCastleProvider();
    private static final int MAX_TEXT = 256 * 1024;

    private UploadReader() {
    }

    static List<X509Certificate> chain(String pem) {
        if (pem.length() > MAX_TEXT) {
            throw new CertificateRejectedException("chain", "the chain is larger than 256 KiB");
        }
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(new JcaX509CertificateConverter().getCertificate(h));
                } else {
                    throw new CertificateRejectedException("chain", "the chain holds something other than certificates ("
                            + kind(o) + "); paste only CERTIFICATE blocks there and the key in the key field");
                }
            }
        } catch (IOException | CertificateException e) {
            throw new CertificateRejectedException("chain", "the chain is not valid PEM: certificate "
                    + (out.size() + 1) + " cannot be read (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw new CertificateRejectedException("chain", "no certificate found: expected PEM blocks starting with "
                    + "-----BEGIN CERTIFICATE-----");
        }
        return out;
    }

    static PrivateKey key(String pem, Optional<String> passphrase) {
        if (pem.length() > MAX_TEXT) {
            throw new CertificateRejectedException("key", "the key is larger than 256 KiB");
        }
        Object o;
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            o = p.readObject();
        } catch (IOException e) {
            throw new CertificateRejectedException("key", "the private key is not valid PEM");
        }
        try {
            return switch (o) {
                case null -> throw new CertificateRejectedException("key", "no private key found: expected a PEM block "
                        + "such as -----BEGIN PRIVATE KEY-----");
                case PrivateKeyInfo info -> PemFiles.jdkKey(info);
                // The key pair's private part alone: the public part's conversion needs an "ECDSA" key factory the JDK lacks.
                case PEMKeyPair pair -> PemFiles.jdkKey(pair.getPrivateKeyInfo());
                case PKCS8EncryptedPrivateKeyInfo enc -> PemFiles.jdkKey(decrypt(enc, passphrase));
                case PEMEncryptedKeyPair enc -> PemFiles.jdkKey(decrypt(enc, passphrase).getPrivateKeyInfo());
                default -> throw new CertificateRejectedException("key", "the key field holds " + kind(o)
                        + ", not a private key");
            };
        } catch (IOException e) {
            throw new CertificateRejectedException("key", "the private key uses an unsupported algorithm or encoding");
        }
    }

    // A wrong passphrase shows up as a decryption or padding failure; the passphrase is never echoed.
    private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo enc, Optional<String> passphrase) {
        try {
            return enc.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC)
                    .build(needed(passphrase)));
        } catch (PKCSException e) {
            throw new CertificateRejectedException("passphrase", "the passphrase does not decrypt the private key");
        } catch (OperatorCreationException e) {
            throw new CertificateRejectedException("key", "the private key is encrypted with an unsupported algorithm");
        }
    }

    private static org.bouncycastle.openssl.PEMKeyPair decrypt(PEMEncryptedKeyPair enc, Optional<String> passphrase) {
        try {
            return enc.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC).build(needed(passphrase)));
        } catch (IOException e) {
            throw new CertificateRejectedException("passphrase", "the passphrase does not decrypt the private key");
        }
    }

    /** The one private key entry of a PKCS#12 file and its chain as stored. */
    static TlsIdentity pkcs12(byte[] file, Optional<String> passphrase) {
        char[] pass = passphrase.orElse("").toCharArray();
        KeyStore ks;
        try {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(file), pass);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new CertificateRejectedException("passphrase", "the passphrase does not open the PKCS#12 file");
            }
            throw new CertificateRejectedException("pkcs12", "the file is not a readable PKCS#12 archive");
        } catch (GeneralSecurityException e) {
            throw new CertificateRejectedException("pkcs12", "the file is not a readable PKCS#12 archive");
        }
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.size() != 1) {
                throw new CertificateRejectedException("pkcs12", "the PKCS#12 file must hold exactly one private key, it holds "
                        + keyAliases.size());
            }
            Key key = ks.getKey(keyAliases.getFirst(), pass);
            Certificate[] certs = ks.getCertificateChain(keyAliases.getFirst());
            if (!(key instanceof PrivateKey pk) || certs == null || certs.length == 0) {
                throw new CertificateRejectedException("pkcs12", "the PKCS#12 key entry has no certificate chain");
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : certs) {
                chain.add((X509Certificate) c);
            }
            return new TlsIdentity(pk, chain);
        } catch (UnrecoverableKeyException e) {
            throw new CertificateRejectedException("passphrase", "the passphrase does not open the PKCS#12 key");
        } catch (GeneralSecurityException e) {
            throw new CertificateRejectedException("pkcs12", "the PKCS#12 key cannot be read");
        }
    }

    private static char[] needed(Optional<String> passphrase) {
        return passphrase.filter(p -> !p.isEmpty()).orElseThrow(() -> new CertificateRejectedException("passphrase",
                "the private key is encrypted: enter its passphrase")).toCharArray();
    }

    private static String kind(Object o) {
        return switch (o) {
            case X509CertificateHolder h -> "a certificate";
            case PrivateKeyInfo i -> "a private key";
            case PEMKeyPair k -> "a private key";
            case PKCS8EncryptedPrivateKeyInfo k -> "an encrypted private key";
            case PEMEncryptedKeyPair k -> "an encrypted private key";
            default -> "a " + o.getClass().getSimpleName();
        };
    }
}
