package dev.telltale.certs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What an agent does: TLS 1.3 to the appliance, trusting only the pinned appliance CA. */
class TlsHandshakeTest {

    private static final char[] NO_PASSWORD = new char[0];

    @Test
    void aClientTrustingOnlyTheApplianceCaCompletesATls13Handshake(@TempDir Path data) throws Exception {
        CertificateStore store = CertificateStore.loadOrCreate(data, new CertsConfig(List.of(), 825));
        try (SSLServerSocket server = serverSocket(store)) {
            CompletableFuture<Integer> served = echoOnce(server);
            try (SSLSocket client = clientSocket(trusting(store), server.getLocalPort())) {
                client.getOutputStream().write(42);
                client.getOutputStream().flush();
                assertEquals(42, client.getInputStream().read());
                assertEquals("TLSv1.3", client.getSession().getProtocol());
                assertEquals(store.serverChain().get(0), client.getSession().getPeerCertificates()[0]);
            }
            assertEquals(42, served.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClientPinningAnotherAppliancesCaIsRefused(@TempDir Path data, @TempDir Path other) throws Exception {
        CertificateStore store = CertificateStore.loadOrCreate(data, new CertsConfig(List.of(), 825));
        CertificateStore stranger = CertificateStore.loadOrCreate(other, new CertsConfig(List.of(), 825));
        try (SSLServerSocket server = serverSocket(store)) {
            CompletableFuture<Integer> served = echoOnce(server);
            try (SSLSocket client = clientSocket(trusting(stranger), server.getLocalPort())) {
                assertThrows(SSLHandshakeException.class, client::startHandshake);
            }
            served.handle((v, e) -> null).get(10, TimeUnit.SECONDS);
        }
    }

    private static SSLServerSocket serverSocket(CertificateStore store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", store.serverKey(), NO_PASSWORD, store.serverChain().toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, NO_PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        return s;
    }

    private static SSLContext trusting(CertificateStore store) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("appliance-ca", store.caCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static SSLSocket clientSocket(SSLContext ctx, int port) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3"});
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name 127.0.0.1
        s.setSSLParameters(p);
        return s;
    }

    private static CompletableFuture<Integer> echoOnce(SSLServerSocket server) {
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.setSoTimeout(10_000);
                int b = s.getInputStream().read();
                s.getOutputStream().write(b);
                s.getOutputStream().flush();
                return b;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }
}
