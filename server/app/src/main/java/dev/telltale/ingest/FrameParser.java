package dev.telltale.ingest;

import dev.telltale.protocol.BatchDecoder;
import dev.telltale.protocol.ErrorCode;
import dev.telltale.protocol.ErrorFrame;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.GapFrame;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.Ping;
import dev.telltale.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.util.List;
import java.util.logging.Logger;

/**
 * Decoder stage: one length-delimited frame in, one typed message out ({@link Hello},
 * {@link dev.telltale.protocol.DecodedBatch}, {@link GapFrame}, {@link Ping} or {@link Bye}).
 * Owns the connection's batch decoder, whose compression HELLO selects. Any violation raises
 * {@link ProtocolException}, which the session answers with an ERROR frame.
 */
final class FrameParser extends MessageToMessageDecoder<ByteBuf> {
    private static final Logger LOG = Logger.getLogger(FrameParser.class.getName());

    /** The agent closes the session in order. */
    record Bye() {
    }

    private final int maxBatchBytes;
    private final int maxBatchEvents;
    private final IngestMetrics metrics;
    private BatchDecoder batches;

    FrameParser(int maxBatchBytes, int maxBatchEvents, IngestMetrics metrics) {
        super(ByteBuf.class);
        this.maxBatchBytes = maxBatchBytes;
        this.maxBatchEvents = maxBatchEvents;
        this.metrics = metrics;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        int typeCode = frame.readUnsignedByte();
        frame.skipBytes(Frames.HEADER - 1);
        byte[] payload = ByteBufUtil.getBytes(frame);
        metrics.frameReceived(Frames.HEADER + payload.length);
        FrameType type = FrameType.of(typeCode).orElseThrow(() ->
                new ProtocolException(ErrorCode.UNKNOWN_FRAME_TYPE, "unknown frame type " + typeCode));
        switch (type) {
            case HELLO -> {
                if (batches != null) {
                    throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "second HELLO on one connection");
                }
                Hello hello = Hello.decode(payload, 0, payload.length);
                batches = new BatchDecoder(hello.compression(), maxBatchBytes, maxBatchEvents);
                out.add(hello);
            }
            case BATCH -> {
                if (batches == null) {
                    throw new ProtocolException(ErrorCode.HELLO_REQUIRED, "BATCH before HELLO");
                }
                out.add(batches.decode(payload, 0, payload.length));
            }
            case GAP -> out.add(GapFrame.decode(payload, 0, payload.length));
            case PING -> out.add(Ping.decode(payload, 0, payload.length));
            case PONG -> {
                // Liveness only; reading it already reset the idle timer.
            }
            case BYE -> out.add(new Bye());
            case ERROR -> {
                ErrorFrame e = ErrorFrame.decode(payload, 0, payload.length);
                LOG.fine(() -> "agent at " + ctx.channel().remoteAddress() + " reported error " + e.code() + ": " + e.message());
            }
            default -> throw new ProtocolException(ErrorCode.MALFORMED_FRAME,
                    "frame type " + type + " is sent by the appliance, not by agents");
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (batches != null) {
            batches.close();
            batches = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        handlerRemoved(ctx);
        super.channelInactive(ctx);
    }
}
