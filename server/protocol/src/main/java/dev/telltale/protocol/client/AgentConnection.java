package dev.telltale.protocol.client;

import dev.telltale.protocol.Ack;
import dev.telltale.protocol.BatchEncoder;
import dev.telltale.protocol.ErrorFrame;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.ProtocolException;
import dev.telltale.protocol.Welcome;
import dev.telltale.protocol.WireWriter;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * A blocking agent-side connection: TLS 1.3, HELLO/WELCOME, then frames out and frames in.
 * The reference client of docs/protocol.md, used by tools, tests and the load generator.
 * Not thread-safe except that one thread may {@link #read} while another sends.
 */
public final class AgentConnection implements AutoCloseable {
    /** A frame received from the appliance. */
    public record Frame(FrameType type, byte[] payload) {
        public Ack ack() {
            return Ack.decode(payload, 0, payload.length);
        }

        public ErrorFrame error() {
            return ErrorFrame.decode(payload, 0, payload.length);
        }
    }

    private final java.net.Socket tcp;
    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private Welcome welcome;
    private BatchEncoder encoder;

    private AgentConnection(java.net.Socket tcp, SSLSocket socket) throws IOException {
        this.tcp = tcp;
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 << 10));
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 << 10);
    }

    /** Connects and completes the TLS 1.3 handshake; does not send HELLO. */
    public static AgentConnection connect(SSLContext tls, String host, int port, int timeoutMs) throws IOException {
        java.net.Socket tcp = new java.net.Socket();
        tcp.setTcpNoDelay(true);
        tcp.connect(new InetSocketAddress(host, port), timeoutMs);
        tcp.setSoTimeout(timeoutMs);
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(tcp, host, port, true);
        s.setEnabledProtocols(new String[]{"TLSv1.3"});
        s.startHandshake();
        return new AgentConnection(tcp, s);
    }

    /**
     * Sends HELLO and waits for WELCOME.
     *
     * @throws ProtocolException carrying the appliance's ERROR when it refuses the HELLO
     */
    public Welcome hello(Hello hello) throws IOException {
        send(FrameType.HELLO, hello.encode());
        Frame f = read();
        if (f.type() == FrameType.ERROR) {
            ErrorFrame e = f.error();
            throw new ProtocolException(dev.telltale.protocol.ErrorCode.of(e.code())
                    .orElse(dev.telltale.protocol.ErrorCode.INTERNAL), e.message());
        }
        if (f.type() != FrameType.WELCOME) {
            throw new IOException("expected WELCOME, got " + f.type());
        }
        welcome = Welcome.decode(f.payload(), 0, f.payload().length);
        encoder = new BatchEncoder(hello.compression());
        return welcome;
    }

    public Welcome welcome() {
        return welcome;
    }

    /** The batch encoder of this connection's compression stream. */
    public BatchEncoder encoder() {
        return encoder;
    }

    public void send(FrameType type, WireWriter payload) throws IOException {
        sendRaw(Frames.frame(type, payload));
    }

    /** Writes bytes as they are (whole frames, or deliberately broken ones in tests) and flushes. */
    public synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes without flushing, for pipelining. */
    public synchronized void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    /** Reads the next frame; throws {@link EOFException} when the appliance closed the connection. */
    public Frame read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed by the appliance");
        }
        int len = in.readInt();
        if (len < 0 || len > Frames.DEFAULT_MAX_FRAME) {
            throw new IOException("frame length " + len);
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        FrameType t = FrameType.of(type).orElseThrow(() -> new IOException("unknown frame type " + type));
        return new Frame(t, payload);
    }

    /** Reads frames until an ACK covering {@code seq} arrives; an ERROR frame on the way is thrown. */
    public long awaitAck(long seq) throws IOException {
        while (true) {
            Frame f = read();
            if (f.type() == FrameType.ACK) {
                long acked = f.ack().ackedSeq();
                if (acked >= seq) {
                    return acked;
                }
            } else if (f.type() == FrameType.ERROR) {
                ErrorFrame e = f.error();
                throw new ProtocolException(dev.telltale.protocol.ErrorCode.of(e.code())
                        .orElse(dev.telltale.protocol.ErrorCode.INTERNAL), e.message());
            }
        }
    }

    public SSLSocket socket() {
        return socket;
    }

    /** Drops the TCP connection at once, without a TLS close (unblocks a blocked writer). */
    public void abort() throws IOException {
        tcp.setSoLinger(true, 0);
        tcp.close();
        if (encoder != null) {
            encoder.close();
        }
    }

    @Override
    public void close() throws IOException {
        if (encoder != null) {
            encoder.close();
        }
        socket.close();
    }
}
