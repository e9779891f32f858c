package dev.telltale.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.telltale.certs.CertificateStore;
import dev.telltale.certs.CertsConfig;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A real HTTPS receiver for outbound-integration tests (webhooks, Slack, Jira): a certificate for
 * localhost from its own CA (under {@code dir}), every request recorded, answers decided by a
 * function the test sets (200 by default).
 */
public final class HttpsReceiver implements AutoCloseable {
    /** One request; header names in lower case. */
    public record Request(String method, String path, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** An answer: status and JSON body. */
    public record Answer(int status, String body) {
    }

    private final HttpsServer server;
    private final Path caFile;
    private final String caPem;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Request> accepted = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> answer = r -> new Answer(200, "{}");

    private HttpsReceiver(Path dir) throws Exception {
        CertificateStore certs = CertificateStore.loadOrCreate(dir, new CertsConfig(List.of(), 30));
        caFile = dir.resolve("tls/ca.crt");
        caPem = certs.caPem();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", certs.serverKey(), new char[0], certs.serverChain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    public static HttpsReceiver start(Path dir) throws Exception {
        return new HttpsReceiver(dir);
    }

    private void handle(HttpExchange x) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request r = new Request(x.getRequestMethod(), x.getRequestURI().toString(), headers, body);
        requests.add(r);
        Answer a = answer.apply(r);
        if (a.status() >= 200 && a.status() < 300) {
            accepted.add(r);
        }
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(out);
        }
    }

    /** How the next requests are answered. */
    public void answer(Function<Request, Answer> f) {
        answer = f;
    }

    public void status(int status) {
        answer = r -> new Answer(status, "{}");
    }

    public String url(String path) {
        return "https://localhost:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The CA that issued the receiver's certificate (PEM file), for the appliance's trusted-ca-file. */
    public Path caFile() {
        return caFile;
    }

    public String caPem() {
        return caPem;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests answered with a 2xx. */
    public List<Request> accepted() {
        return List.copyOf(accepted);
    }

    /** Waits until {@code n} requests match (accepted or not). */
    public List<Request> await(Predicate<Request> which, int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Request> got = requests.stream().filter(which).toList();
            if (got.size() >= n || System.nanoTime() > end) {
                return got;
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
