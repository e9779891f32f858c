package dev.telltale.certs;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * PEM files under {@code DATA/tls}. Every file is written to a temporary sibling that already
 * has its final permissions, then renamed over the target: a key is never readable by others,
 * not even for an instant, and a crash never leaves half a file.
 */
final class PemFiles {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    private static final System.Logger LOG = System.getLogger(PemFiles.class.getName());

    private PemFiles() {
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Creates the directory with mode 0700, or narrows an existing one to it. */
    static void ensurePrivateDirectory(Path dir) {
        try {
            if (!posix()) {
                Files.createDirectories(dir);
                return;
            }
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            }
            Files.setPosixFilePermissions(dir, DIRECTORY); // the umask may have narrowed or an operator widened it
        } catch (IOException e) {
            throw new CertificateStoreException("cannot create the private directory " + dir, e);
        }
    }

    static String toPem(X509Certificate cert) {
        try {
            return pem(new PemObject("CERTIFICATE", cert.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new CertificateStoreException("cannot encode " + cert.getSubjectX500Principal(), e);
        }
    }

    static void writeCertificate(Path file, X509Certificate cert) {
        write(file, toPem(cert), PUBLIC);
    }

    /** Writes the key as unencrypted PKCS#8 ("PRIVATE KEY") with mode 0600. */
    static void writePrivateKey(Path file, PrivateKey key) {
        write(file, pem(new PemObject("PRIVATE KEY", key.getEncoded())), OWNER_ONLY);
    }

    /** PEM text of a chain, first certificate first. */
    static String toPem(java.util.List<X509Certificate> chain) {
        StringBuilder out = new StringBuilder();
        chain.forEach(c -> out.append(toPem(c)));
        return out.toString();
    }

    static String keyPem(PrivateKey key) {
        return pem(new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    /** Writes the chain (first certificate first) world-readable. */
    static void writeChain(Path file, java.util.List<X509Certificate> chain) {
        write(file, toPem(chain), PUBLIC);
    }

    /** Writes key and chain together in one owner-only file, so the pair is replaced in one rename. */
    static void writeBundle(Path file, PrivateKey key, java.util.List<X509Certificate> chain) {
        write(file, keyPem(key) + toPem(chain), OWNER_ONLY);
    }

    static void writeText(Path file, String text, boolean secret) {
        write(file, text, secret ? OWNER_ONLY : PUBLIC);
    }

    /** Every certificate in the file, in file order. */
    static java.util.List<X509Certificate> readChain(Path file) {
        try {
            return parseChain(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | CertificateException e) {
            throw new CertificateStoreException("cannot read the certificates in " + file, e);
        }
    }

    static java.util.List<X509Certificate> parseChain(String pem) throws CertificateException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        java.util.List<X509Certificate> out = new java.util.ArrayList<>();
        for (var c : cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    static X509Certificate readCertificate(Path file) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
        } catch (IOException | CertificateException | ClassCastException e) {
            throw new CertificateStoreException("cannot read the certificate in " + file, e);
        }
    }

    static PrivateKey readPrivateKey(Path file) {
        tightenIfNeeded(file);
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
            Object o = parser.readObject();
            if (!(o instanceof PrivateKeyInfo info)) {
                throw new CertificateStoreException(file + " does not hold a PKCS#8 private key");
            }
            return jdkKey(info);
        } catch (IOException e) {
            throw new CertificateStoreException("cannot read the private key in " + file, e);
        }
    }

    /**
     * An RSA or EC key of the JDK's own providers, whatever else is registered: Apache MINA SSHD
     * (backup export over SFTP) registers BouncyCastle as a JCA provider, and BouncyCastle's EC keys
     * name their algorithm "ECDSA", so a key read after an export no longer matched its "EC"
     * certificate. Other algorithms go through BouncyCastle's converter (and are refused later).
     */
    static PrivateKey jdkKey(PrivateKeyInfo info) throws IOException {
        var oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String alg = oid.equals(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption) ? "RSA"
                : oid.equals(org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey) ? "EC" : null;
        if (alg == null) {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
        try {
            return java.security.KeyFactory.getInstance(alg).generatePrivate(
                    new java.security.spec.PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("not a valid " + alg + " private key", e);
        }
    }

    static void tightenIfNeeded(Path file) {
        if (!posix()) {
            return;
        }
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                LOG.log(System.Logger.Level.WARNING, "{0} was readable by others; resetting it to mode 0600", file);
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new CertificateStoreException("cannot check the permissions of " + file, e);
        }
    }

    private static String pem(PemObject object) {
        StringWriter out = new StringWriter();
        try (PemWriter w = new PemWriter(out)) {
            w.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void write(Path file, String text, Set<PosixFilePermission> mode) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            FileAttribute<?>[] attrs = posix()
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
                    : new FileAttribute<?>[0];
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", attrs);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new CertificateStoreException("cannot write " + file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that failure is the one to report
                }
            }
        }
    }
}
