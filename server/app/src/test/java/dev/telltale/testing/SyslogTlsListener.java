package dev.telltale.testing;

import dev.telltale.certs.CertificateStore;
import dev.telltale.certs.CertsConfig;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A syslog-over-TLS receiver as a SIEM runs it (RFC 5425): a certificate for localhost from its
 * own CA, octet-counted frames ({@code LEN SP MSG}) read from every connection and kept in order.
 */
public final class SyslogTlsListener implements AutoCloseable {
    private final SSLServerSocket server;
    private final String caPem;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private SyslogTlsListener(Path dir) throws Exception {
        CertificateStore certs = CertificateStore.loadOrCreate(dir, new CertsConfig(List.of(), 30));
        caPem = certs.caPem();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", certs.serverKey(), new char[0], certs.serverChain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "syslog-tls-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static SyslogTlsListener start(Path dir) throws Exception {
        return new SyslogTlsListener(dir);
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                while (true) {
                    messages.add(frame(in));
                }
            } catch (EOFException e) {
                // the sender closed the connection after its frames
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    /** One RFC 5425 frame: decimal octet count, a space, that many octets. */
    private static String frame(DataInputStream in) throws IOException {
        ByteArrayOutputStream len = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != ' ') {
            if (b < 0) {
                throw new EOFException();
            }
            if (b < '0' || b > '9' || len.size() > 9) {
                throw new IOException("bad frame length");
            }
            len.write(b);
        }
        byte[] msg = new byte[Integer.parseInt(len.toString(StandardCharsets.US_ASCII))];
        in.readFully(msg);
        return new String(msg, StandardCharsets.UTF_8);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String caPem() {
        return caPem;
    }

    public List<String> await(int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (messages.size() < n && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return List.copyOf(messages);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
