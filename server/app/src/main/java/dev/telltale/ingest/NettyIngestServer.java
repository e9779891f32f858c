package dev.telltale.ingest;

import dev.telltale.agents.Agents;
import dev.telltale.auth.RunTokens;
import dev.telltale.journal.Journal;
import dev.telltale.metrics.Metrics;
import dev.telltale.protocol.Frames;
import dev.telltale.secrets.SecretHasher;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/** Netty implementation of the ingestion listener. */
final class NettyIngestServer implements IngestServer {
    private static final Logger LOG = Logger.getLogger(NettyIngestServer.class.getName());
    /** How long {@link #admit} waits for refused sessions to say goodbye and close. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
    /** A forced close only has TLS's close_notify to flush (Netty gives it 3 s). */
    private static final Duration FORCED_CLOSE_WAIT = Duration.ofSeconds(5);
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final SessionServices services;
    /** Read by the channel initializer: new connections get the newest context, established ones keep theirs. */
    private final AtomicReference<SslContext> tls;

    private NettyIngestServer(EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel, SessionServices services,
                              AtomicReference<SslContext> tls) {
        this.tls = tls;
        this.boss = boss;
        this.workers = workers;
        this.serverChannel = serverChannel;
        this.services = services;
    }

    static NettyIngestServer start(IngestConfig config, PrivateKey key, List<X509Certificate> chain, RunTokens runTokens,
                                   Agents agents, Journal journal, SecretHasher hasher, Metrics metrics,
                                   String serverVersion, Admission admission, TraceTargets traceTargets) {
        AtomicReference<SslContext> tls = new AtomicReference<>(context(key, chain));
        ExecutorService control = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000),
                new DefaultThreadFactory("telltale-ingest-control", true));
        SessionRegistry registry = new SessionRegistry();
        SessionServices services = new SessionServices(config, runTokens, agents, journal, new Sanitizer(hasher),
                registry, new IngestMetrics(metrics), control, serverVersion, new AtomicReference<>(admission),
                traceTargets);
        runTokens.onRevoke(registry::revokeToken);

        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("telltale-ingest-accept"), io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(config.ioThreads(),
                new DefaultThreadFactory("telltale-ingest-io"), io);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 << 10, 64 << 10))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        recipe(ch.pipeline(), tls.get(), ch, services);
                    }
                });
        try {
            Channel server = b.bind(new InetSocketAddress(config.host(), config.port())).sync().channel();
            return new NettyIngestServer(boss, workers, server, services, tls);
        } catch (Exception e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            control.shutdownNow();
            throw new IngestException("cannot listen for agents on " + config.host() + ":" + config.port(), e);
        }
    }

    private static SslContext context(PrivateKey key, List<X509Certificate> chain) {
        try {
            return SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3")
                    .build();
        } catch (Exception e) {
            throw new IngestException("cannot set up TLS for the ingestion listener", e);
        }
    }

    @Override
    public void reloadTls(PrivateKey key, List<X509Certificate> chain) {
        tls.set(context(key, chain));
    }

    /** The pipeline, read top to bottom as bytes travel in. */
    static void recipe(ChannelPipeline p, SslContext tls, SocketChannel ch, SessionServices services) {
        IngestConfig c = services.config();
        // 1. TLS 1.3 only: plaintext and TLS 1.2 clients fail here, before any protocol byte is read.
        SslHandler ssl = tls.newHandler(ch.alloc());
        ssl.setHandshakeTimeoutMillis(c.helloTimeout().toMillis());
        p.addLast("tls", ssl);
        // 2. Deadlines: HELLO must arrive within hello-timeout; afterwards silence ends the session.
        p.addLast("idle", new IdleStateHandler(c.helloTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        // 3. Bounded framing: a length over the limit fails at once, nothing of it is buffered.
        p.addLast("framing", new LengthFieldBasedFrameDecoder(c.maxFrameBytes() + Frames.HEADER, 1, 4, 0, 0, true));
        // 4. Frames to typed messages: HELLO, BATCH (still compressed), GAP, PING, BYE.
        p.addLast("decoder", new FrameParser(services.metrics()));
        // 5. Session: authenticate, decode batches as the journal can take them, relay ACK and ERROR; never blocks.
        p.addLast("session", new AgentSessionHandler(services));
    }

    @Override
    public void admit(Admission admission) {
        services.admission().set(admission);
        if (admission.restricted()) {
            awaitClosed(services.registry().closeUnless(admission));
        }
    }

    /**
     * Waits until every session in {@code closing} has its connection closed: an ACK can only be
     * written before that, so whatever the caller does next (a backup) sees every batch acknowledged.
     * A connection whose SHUTTING_DOWN cannot be written in time (its agent does not read) is
     * closed without it.
     */
    private void awaitClosed(List<AgentSessionHandler> closing) {
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        List<AgentSessionHandler> open = new ArrayList<>();
        for (AgentSessionHandler s : closing) {
            long left = deadline - System.nanoTime();
            if (!s.closeFuture().awaitUninterruptibly(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                open.add(s);
            }
        }
        if (open.isEmpty()) {
            return;
        }
        LOG.warning(open.size() + " agent session(s) did not close within " + CLOSE_WAIT + " of being told the "
                + "appliance is going away; closing them without a goodbye");
        open.forEach(AgentSessionHandler::forceClose);
        long forced = System.nanoTime() + FORCED_CLOSE_WAIT.toNanos();
        long stuck = open.stream()
                .filter(s -> !s.closeFuture().awaitUninterruptibly(Math.max(0, forced - System.nanoTime()), TimeUnit.NANOSECONDS))
                .count();
        if (stuck > 0) {
            LOG.severe(stuck + " agent session(s) are still open " + FORCED_CLOSE_WAIT + " after being closed; "
                    + "they may acknowledge batches the caller does not see");
        }
    }

    @Override
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public int connections() {
        return services.metrics().connections.get();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        services.registry().closeAll();
        boss.shutdownGracefully(0, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        workers.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        services.control().shutdownNow();
    }
}
