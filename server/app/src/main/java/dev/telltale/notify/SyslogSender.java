package dev.telltale.notify;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CEF in RFC 5424 syslog messages over TLS (RFC 5425: octet-counting framing, {@code LEN SP MSG}),
 * one connection per delivery, verifying the receiver's certificate and name against the JDK's
 * CAs, the configured trusted CAs and the integration's own CA. Success means the frame was
 * written and flushed over an established TLS session: syslog has no application-level receipt.
 */
final class SyslogSender implements Sender {
    /** Facility 10 (security/authorization), as SIEMs expect for security events. */
    static final int FACILITY = 10;

    private final NotifyConfig config;
    private final Optional<String> trustedCaPem;
    private final String version;
    private final Clock clock;
    private final String hostname;

    SyslogSender(NotifyConfig config, Optional<String> trustedCaPem, String version, Clock clock) {
        this.config = config;
        this.trustedCaPem = trustedCaPem;
        this.version = version;
        this.clock = clock;
        this.hostname = localHostname();
    }

    @Override
    public Result send(Integrations.Stored target, Outbox.Outgoing o) {
        String host = target.setting("host");
        int port = Integer.parseInt(target.setting("port"));
        List<String> cas = new ArrayList<>();
        trustedCaPem.ifPresent(cas::add);
        Optional.ofNullable(target.view().settings().get("ca_pem")).ifPresent(cas::add);
        byte[] frame = frame(o);
        try (SSLSocket s = (SSLSocket) Tls.context(cas).getSocketFactory().createSocket()) {
            int timeout = (int) config.requestTimeout().toMillis();
            s.connect(new InetSocketAddress(host, port), timeout);
            s.setSoTimeout(timeout);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the configured host
            p.setServerNames(host.matches("[0-9.:\\[\\]]+") ? List.of() : List.of(new javax.net.ssl.SNIHostName(host)));
            s.setSSLParameters(p);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(frame);
            out.flush();
            return Result.ok("sent " + frame.length + " bytes");
        } catch (IOException | IllegalArgumentException e) {
            return Result.failed(Sender.describe(e, target));
        }
    }

    /** {@code MSG-LEN SP <PRI>1 TIMESTAMP HOSTNAME telltale - MSGID - CEF…}, the length in octets. */
    byte[] frame(Outbox.Outgoing o) {
        int pri = FACILITY * 8 + syslogSeverity(Cef.severity(o));
        String msg = "<" + pri + ">1 " + Cef.timestamp(clock.instant()) + " " + hostname + " telltale - "
                + o.kind().wire() + " - " + Cef.line(o, version);
        byte[] m = msg.getBytes(StandardCharsets.UTF_8);
        byte[] len = (m.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[len.length + m.length];
        System.arraycopy(len, 0, out, 0, len.length);
        System.arraycopy(m, 0, out, len.length, m.length);
        return out;
    }

    /** CEF 10/8/5/3/1 → syslog critical/error/warning/notice/informational. */
    static int syslogSeverity(int cef) {
        return cef >= 10 ? 2 : cef >= 8 ? 3 : cef >= 5 ? 4 : cef >= 3 ? 5 : 6;
    }

    private static String localHostname() {
        try {
            String h = java.net.InetAddress.getLocalHost().getHostName();
            return h.isEmpty() || h.length() > 255 || !h.matches("[\\x21-\\x7e]+") ? "-" : h;
        } catch (IOException e) {
            return "-";
        }
    }
}
