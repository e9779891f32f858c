package dev.telltale.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny HTTP proxy that only tunnels (CONNECT host:port), as corporate proxies do for https,
 * recording each target: enough to show outbound HTTPS goes through the configured proxy.
 */
public final class ConnectProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> targets = new CopyOnWriteArrayList<>();

    private ConnectProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "connect-proxy");
        t.setDaemon(true);
        t.start();
    }

    public static ConnectProxy start() throws IOException {
        return new ConnectProxy();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> tunnel(client), "connect-proxy-tunnel");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void tunnel(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = head(in);
            String[] first = head.split("\r\n", 2)[0].split(" ");
            OutputStream out = client.getOutputStream();
            if (first.length < 3 || !first[0].equals("CONNECT")) {
                out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            targets.add(first[1]);
            int colon = first[1].lastIndexOf(':');
            try (Socket upstream = new Socket(first[1].substring(0, colon), Integer.parseInt(first[1].substring(colon + 1)))) {
                out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread up = new Thread(() -> pipe(in, upstream), "connect-proxy-up");
                up.setDaemon(true);
                up.start();
                pipe(upstream.getInputStream(), client);
            }
        } catch (IOException e) {
            // a tunnel ends when either side closes
        }
    }

    private static void pipe(InputStream from, Socket to) {
        try {
            from.transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // closed
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String s = b.toString(StandardCharsets.US_ASCII);
            if (s.endsWith("\r\n\r\n") || b.size() > 8192) {
                return s;
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The {@code host:port} of each tunnel asked for. */
    public List<String> targets() {
        return List.copyOf(targets);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
