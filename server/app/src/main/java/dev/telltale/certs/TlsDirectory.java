package dev.telltale.certs;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The file layout under {@code DATA/tls}. The presented identity is {@code server.key} and
 * {@code server.crt} (the chain, server certificate first); since two files cannot be renamed
 * at once, a change first writes both into {@code incoming.pem}, and a start that finds that
 * file finishes the change. Rollback, transition and signing-request material each live in
 * one owner-only file replaced by rename, except the transition's end date, written after (and
 * deleted before) its identity so that a crash never leaves a transition without one.
 */
record TlsDirectory(Path dir) {
    private static final System.Logger LOG = System.getLogger(TlsDirectory.class.getName());

    Path caCert() {
        return dir.resolve("ca.crt");
    }

    Path caKey() {
        return dir.resolve("ca.key");
    }

    Path serverCert() {
        return dir.resolve("server.crt");
    }

    Path serverKey() {
        return dir.resolve("server.key");
    }

    private Path incoming() {
        return dir.resolve("incoming.pem");
    }

    private Path previous() {
        return dir.resolve("previous.pem");
    }

    private Path transition() {
        return dir.resolve("transition.pem");
    }

    private Path transitionUntil() {
        return dir.resolve("transition.until");
    }

    private Path csrKey() {
        return dir.resolve("csr.key");
    }

    private Path csr() {
        return dir.resolve("csr.pem");
    }

    Path expiryNotices() {
        return dir.resolve("expiry-notices");
    }

    /** Makes {@code id} the presented identity, crash-safely. */
    void writeCurrent(TlsIdentity id) {
        PemFiles.writeBundle(incoming(), id.key(), id.chain());
        finishIncoming();
    }

    /** Completes a change a crash interrupted (no-op when there is none). */
    void finishIncoming() {
        if (!Files.exists(incoming())) {
            return;
        }
        TlsIdentity id = readBundle(incoming());
        PemFiles.writePrivateKey(serverKey(), id.key());
        PemFiles.writeChain(serverCert(), id.chain());
        delete(incoming());
    }

    void writePrevious(Optional<TlsIdentity> id) {
        id.ifPresentOrElse(p -> PemFiles.writeBundle(previous(), p.key(), p.chain()), () -> delete(previous()));
    }

    Optional<TlsIdentity> readPrevious() {
        return readOptional(previous());
    }

    void writeTransition(Optional<BcCertificateStore.Transition> t) {
        if (t.isPresent()) {
            PemFiles.writeBundle(transition(), t.get().ingest().key(), t.get().ingest().chain());
            PemFiles.writeText(transitionUntil(), t.get().until() + "\n", false);
        } else {
            delete(transitionUntil());
            delete(transition());
        }
    }

    Optional<BcCertificateStore.Transition> readTransition() {
        if (!Files.exists(transitionUntil())) {
            return Optional.empty();
        }
        try {
            Instant until = Instant.parse(Files.readString(transitionUntil()).strip());
            return readOptional(transition()).map(id -> new BcCertificateStore.Transition(id, until));
        } catch (IOException | DateTimeParseException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring an unreadable CA transition in {0}", dir);
            return Optional.empty();
        }
    }

    void writeCsr(Optional<Csr.Pending> pending) {
        if (pending.isPresent()) {
            PemFiles.writePrivateKey(csrKey(), pending.get().key());
            PemFiles.writeText(csr(), pending.get().pem(), false);
        } else {
            delete(csr());
            delete(csrKey());
        }
    }

    Optional<Csr.Pending> readCsr() {
        if (!Files.exists(csr()) || !Files.exists(csrKey())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Csr.Pending.of(PemFiles.readPrivateKey(csrKey()), Files.readString(csr())));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring an unreadable pending signing request in {0}", dir);
            return Optional.empty();
        }
    }

    private Optional<TlsIdentity> readOptional(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(readBundle(file));
        } catch (CertificateStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring unreadable {0}: {1}", file, e.getMessage());
            return Optional.empty();
        }
    }

    static TlsIdentity readBundle(Path file) {
        PemFiles.tightenIfNeeded(file);
        PrivateKey key = null;
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PrivateKeyInfo info && key == null) {
                    key = PemFiles.jdkKey(info);
                } else if (o instanceof X509CertificateHolder h) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(h));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new CertificateStoreException("cannot read " + file, e);
        }
        if (key == null || chain.isEmpty()) {
            throw new CertificateStoreException(file + " lacks a private key or a certificate");
        }
        return new TlsIdentity(key, chain);
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CertificateStoreException("cannot delete " + file, e);
        }
    }
}
