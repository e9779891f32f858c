package dev.telltale.ingest;

import dev.telltale.agents.Agents;
import dev.telltale.auth.RunTokenGrant;
import dev.telltale.journal.AgentContext;
import dev.telltale.journal.JournalRecord;
import dev.telltale.journal.SessionCallback;
import dev.telltale.journal.Submission;
import dev.telltale.protocol.Ack;
import dev.telltale.protocol.BatchDecoder;
import dev.telltale.protocol.DecodedBatch;
import dev.telltale.protocol.ErrorCode;
import dev.telltale.protocol.ErrorFrame;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.GapFrame;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.Ping;
import dev.telltale.protocol.ProtocolException;
import dev.telltale.protocol.Welcome;
import dev.telltale.protocol.WireWriter;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The session stage: authenticates HELLO against the run tokens, registers the agent off the
 * event loop, then hands batches and gaps to the journal and relays its answers (ACK, ERROR)
 * back. It never blocks the event loop: when the journal is full or the agent stops reading
 * its answers, the connection stops reading until that clears.
 */
final class AgentSessionHandler extends ChannelInboundHandlerAdapter implements SessionCallback {
    private static final Logger LOG = Logger.getLogger(AgentSessionHandler.class.getName());
    private static final int MAX_REJECTION_ERRORS_PER_BATCH = 16;

    private enum State { AWAIT_HELLO, AUTHENTICATING, ACTIVE, CLOSED }

    private final SessionServices services;
    private State state = State.AWAIT_HELLO;
    private Channel channel;
    private static final long SEEN_INTERVAL_MS = 60_000;
    private AgentContext context;
    private long tokenId = -1;
    /** Kept for {@link #admittedBy}: an upgrade closes every session but its health gate's. */
    private volatile String sessionToken;
    private boolean pausedForJournal;
    private boolean pausedForWrites;
    private BatchDecoder batches;
    /** Highest sequence number acknowledged on this session: set at WELCOME, before any submission, then journal thread only. */
    private long lastAcked;
    private long lastSeenWrittenMs = System.currentTimeMillis();
    /** Batches and gaps that arrived in the same read after the journal asked us to pause. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();

    AgentSessionHandler(SessionServices services) {
        this.services = services;
    }

    long tokenId() {
        return tokenId;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        int open = services.metrics().connections.incrementAndGet();
        if (open > services.config().maxConnections()) {
            services.metrics().connectionRefused();
            ctx.close();
            return;
        }
        services.metrics().connectionAccepted();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        services.metrics().connections.decrementAndGet();
        held.clear();
        if (batches != null) {
            batches.close();
        }
        if (context != null) {
            services.registry().unregister(context.agentId(), this);
        }
        state = State.CLOSED;
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent hs && !hs.isSuccess()) {
            services.metrics().connectionRefused();
            LOG.fine(() -> "TLS handshake refused from " + ctx.channel().remoteAddress() + ": " + hs.cause());
            ctx.close();
        } else if (evt instanceof IdleStateEvent) {
            if (state == State.AWAIT_HELLO) {
                fail(ErrorCode.HELLO_REQUIRED, "no HELLO within " + services.config().helloTimeout());
            } else {
                fail(ErrorCode.IDLE_TIMEOUT, "no frame within " + services.config().idleTimeout());
            }
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSED) {
            return;
        }
        switch (msg) {
            case Hello h -> onHello(h);
            case FrameParser.RawBatch b -> whenActive(() -> accept(b));
            case GapFrame g -> whenActive(() -> accept(g));
            case Ping p -> send(FrameType.PONG, p.encode());
            case FrameParser.Bye bye -> {
                state = State.CLOSED;
                ctx.close();
            }
            default -> fail(ErrorCode.MALFORMED_FRAME, "unexpected message " + msg.getClass().getSimpleName());
        }
    }

    private void whenActive(Runnable action) {
        if (state == State.ACTIVE) {
            action.run();
        } else {
            fail(ErrorCode.HELLO_REQUIRED, "frames before WELCOME");
        }
    }

    private void onHello(Hello hello) {
        if (state != State.AWAIT_HELLO) {
            fail(ErrorCode.MALFORMED_FRAME, "second HELLO on one connection");
            return;
        }
        if (!services.admission().get().admits(hello.runToken())) {
            fail(ErrorCode.SHUTTING_DOWN, services.admission().get().reason());
            return;
        }
        Optional<RunTokenGrant> grant = services.runTokens().verify(hello.runToken());
        if (grant.isEmpty()) {
            services.metrics().authFailed();
            fail(ErrorCode.AUTH_FAILED, "run token is invalid, expired or revoked");
            return;
        }
        state = State.AUTHENTICATING;
        tokenId = grant.get().tokenId();
        batches = new BatchDecoder(hello.compression(), services.config().maxBatchBytes(), services.config().maxBatchEvents());
        channel.config().setAutoRead(false);
        Agents.AgentIdentity identity = new Agents.AgentIdentity(hello.agentInstance(), hello.agentKind(),
                hello.agentVersion(), hello.hostname(), hello.application(), hello.component(), hello.version());
        try {
            String token = hello.runToken();
            String policy = hello.policy().orElse("");
            boolean trace = hello.traceRequest();
            services.control().execute(() -> register(grant.get(), identity, token, policy, trace));
        } catch (RejectedExecutionException e) {
            fail(ErrorCode.INTERNAL, "the appliance is busy registering agents; retry later");
        }
    }

    /** Runs on the control executor: the database call must not hold up the event loop. */
    private void register(RunTokenGrant grant, Agents.AgentIdentity id, String token, String policy, boolean trace) {
        try {
            Agents.AgentRecord rec = services.agents().register(grant, id);
            AgentContext ctx = new AgentContext(rec.agentId(), id.instance(), rec.teamId(), grant.teamName(),
                    id.application(), id.component(), id.version(), id.hostname(), policy);
            Optional<List<String>> traced = trace ? Optional.of(traceTargets(ctx)) : Optional.empty();
            channel.eventLoop().execute(() -> welcome(ctx, token, traced));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "agent registration failed", e);
            channel.eventLoop().execute(() -> fail(ErrorCode.INTERNAL, "agent registration failed"));
        }
    }

    /** An agent whose list cannot be read still starts, tracing nothing new; the failure is logged. */
    private List<String> traceTargets(AgentContext ctx) {
        try {
            List<String> p = services.traceTargets().packages(ctx.teamId(), ctx.application(), ctx.component(),
                    ctx.version());
            return p.size() > Welcome.MAX_TRACE ? p.subList(0, Welcome.MAX_TRACE) : p;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "packages to trace for " + ctx.application() + "/" + ctx.component()
                    + " could not be read", e);
            return List.of();
        }
    }

    private void welcome(AgentContext ctx, String token, Optional<List<String>> traced) {
        if (state != State.AUTHENTICATING || !channel.isActive()) {
            return;
        }
        // The token may have been revoked while the agent was being registered.
        if (services.runTokens().verify(token).isPresent()) {
            context = ctx;
            sessionToken = token;
        } else {
            services.metrics().authFailed();
            fail(ErrorCode.TOKEN_REVOKED, "run token was revoked");
            return;
        }
        AgentSessionHandler previous = services.registry().register(ctx.agentId(), this);
        if (previous != null && previous != this) {
            previous.superseded();
        }
        // An upgrade may have restricted admission while this agent was being registered; its
        // sweep of the registry may have run before we were in it, so we look again ourselves.
        Admission admission = services.admission().get();
        if (!admission.admits(token)) {
            services.registry().unregister(ctx.agentId(), this);
            fail(ErrorCode.SHUTTING_DOWN, admission.reason());
            return;
        }
        state = State.ACTIVE;
        IngestConfig c = services.config();
        long next = services.journal().nextSeq(ctx.agentId());
        lastAcked = next - 1;
        send(FrameType.WELCOME, new Welcome(Frames.PROTOCOL_VERSION, ctx.agentId(), next, c.maxFrameBytes(),
                c.maxBatchEvents(), (int) Math.min(Integer.MAX_VALUE, c.idleTimeout().toMillis() / 4),
                services.serverVersion(), traced).encode());
        services.metrics().sessionStarted();
        // From now on silence, not a missing HELLO, ends the session.
        channel.pipeline().replace("idle", "idle",
                new IdleStateHandler(c.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        channel.config().setAutoRead(true);
    }

    /** Keeps order: nothing overtakes what is held while the journal is full. */
    private void accept(Object item) {
        if (pausedForJournal || !held.isEmpty()) {
            held.add(item);
        } else {
            process(item);
        }
    }

    private void process(Object item) {
        if (item instanceof FrameParser.RawBatch raw) {
            DecodedBatch b;
            try {
                b = batches.decode(raw.payload(), 0, raw.payload().length);
            } catch (ProtocolException e) {
                fail(e.code(), e.getMessage());
                return;
            }
            onBatch(b);
        } else {
            onGap((GapFrame) item);
        }
    }

    private void resume() {
        pausedForJournal = false;
        while (!held.isEmpty() && !pausedForJournal && state == State.ACTIVE) {
            process(held.poll());
        }
        updateAutoRead();
    }

    private void onBatch(DecodedBatch b) {
        services.metrics().batchReceived(b.count(), b.rejectedCount());
        markSeen();
        Sanitizer.Result r = services.sanitizer().apply(b);
        if (b.rejectedCount() > 0) {
            reportRejections(b);
        }
        long weight = JournalRecord.weightOf(sizeOf(b));
        submit(new Submission.Batch(context, b.firstSeq(), b.baseTimeUs(), r.types(), r.dts(), r.encoded(),
                System.currentTimeMillis(), this, weight));
    }

    /** Bytes of this batch's events (the blob may hold the whole frame payload). */
    private static int sizeOf(DecodedBatch b) {
        int n = 0;
        for (int len : b.lengths()) {
            n += len;
        }
        return n;
    }

    /**
     * Keeps the agent's last-seen time current while it streams (at most once a minute, off the
     * event loop): "this version is running" decides when alerts of older versions are Fixed.
     */
    private void markSeen() {
        long now = System.currentTimeMillis();
        if (now - lastSeenWrittenMs < SEEN_INTERVAL_MS) {
            return;
        }
        lastSeenWrittenMs = now;
        long agentId = context.agentId();
        try {
            services.control().execute(() -> {
                try {
                    services.agents().seen(agentId);
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "cannot record that agent " + agentId + " is alive", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // busy registering agents: the next batch tries again
            lastSeenWrittenMs = 0;
        }
    }

    private void reportRejections(DecodedBatch b) {
        int sent = 0;
        for (int i = 0; i < b.count() && sent < MAX_REJECTION_ERRORS_PER_BATCH; i++) {
            if (b.rejected(i)) {
                sendError(new ErrorFrame(ErrorCode.EVENT_REJECTED.code(), b.rejections()[i], b.firstSeq() + i, i));
                sent++;
            }
        }
    }

    private void onGap(GapFrame g) {
        submit(new Submission.Gap(context, g.firstSeq(), g.count(), g.reason(), g.detail(), System.currentTimeMillis(), this));
    }

    private void submit(Submission s) {
        if (!services.journal().submit(s) && !pausedForJournal) {
            pausedForJournal = true;
            services.metrics().pausedForJournal();
            updateAutoRead();
            services.journal().whenCapacity(() -> channel.eventLoop().execute(this::resume));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        // An agent that stops reading our ACKs must not make us buffer without bound.
        pausedForWrites = !ctx.channel().isWritable();
        updateAutoRead();
        super.channelWritabilityChanged(ctx);
    }

    private void updateAutoRead() {
        if (state == State.ACTIVE) {
            channel.config().setAutoRead(!pausedForJournal && !pausedForWrites);
        }
    }

    @Override
    public void acked(long seq) {
        if (seq > lastAcked) {
            services.metrics().acked(seq - lastAcked);
            lastAcked = seq;
        }
        send(FrameType.ACK, new Ack(seq).encode());
    }

    @Override
    public void outOfOrder(long expected, long firstSeq) {
        sendError(new ErrorFrame(ErrorCode.OUT_OF_ORDER.code(), "expected sequence " + expected
                + ", the frame starts at " + firstSeq + "; resend from " + expected + " or declare a GAP", expected, -1));
    }

    @Override
    public void failed(String message) {
        channel.eventLoop().execute(() -> fail(ErrorCode.INTERNAL, message));
    }

    void superseded() {
        channel.eventLoop().execute(() -> fail(ErrorCode.SUPERSEDED, "a newer session of this agent started"));
    }

    void revoked() {
        channel.eventLoop().execute(() -> fail(ErrorCode.TOKEN_REVOKED, "run token was revoked"));
    }

    void shuttingDown() {
        shuttingDown("the appliance is shutting down");
    }

    void shuttingDown(String why) {
        channel.eventLoop().execute(() -> fail(ErrorCode.SHUTTING_DOWN, why));
    }

    /** Completes once this session's connection is closed: nothing can be sent to the agent after that. */
    ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    /** Closes the connection now, dropping whatever is still waiting to be written. */
    void forceClose() {
        channel.close();
    }

    /** Whether this session's run token is the one {@code admission} admits (read on any thread). */
    boolean admittedBy(Admission admission) {
        String t = sessionToken;
        return t != null && admission.admits(t);
    }

    private void send(FrameType type, WireWriter payload) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(Frames.frame(type, payload)), channel.voidPromise());
    }

    private void sendError(ErrorFrame e) {
        services.metrics().errorSent();
        send(FrameType.ERROR, e.encode());
    }

    /** Sends an ERROR frame; a fatal one closes the connection once it is written. */
    private void fail(ErrorCode code, String message) {
        if (state == State.CLOSED) {
            return;
        }
        services.metrics().errorSent();
        var frame = Unpooled.wrappedBuffer(Frames.frame(FrameType.ERROR, ErrorFrame.of(code, message).encode()));
        if (code.fatal()) {
            state = State.CLOSED;
            channel.config().setAutoRead(false);
            channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.writeAndFlush(frame, channel.voidPromise());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof ProtocolException pe) {
            fail(pe.code(), pe.getMessage());
        } else if (c instanceof TooLongFrameException) {
            fail(ErrorCode.FRAME_TOO_LARGE, "frame exceeds the limit of " + services.config().maxFrameBytes() + " bytes");
        } else if (c instanceof javax.net.ssl.SSLException || cause.getCause() instanceof javax.net.ssl.SSLException) {
            services.metrics().connectionRefused();
            LOG.fine(() -> "TLS failure from " + ctx.channel().remoteAddress() + ": " + c);
            ctx.close();
        } else if (c instanceof java.io.IOException) {
            ctx.close();
        } else {
            LOG.log(Level.WARNING, "agent session failed", c);
            fail(ErrorCode.INTERNAL, "internal error");
        }
    }
}
