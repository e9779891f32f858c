package dev.telltale.ingest;

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
 * {@link RawBatch}, {@link GapFrame}, {@link Ping} or {@link Bye}). Batches stay compressed
 * here: the session decodes them only when the journal can take them, so a paused
 * connection holds at most what one socket read brought in. Any violation raises
 * {@link ProtocolException}, which the session answers with an ERROR frame.
 */
final class FrameParser extends MessageToMessageDecoder<ByteBuf> {
    private static final Logger LOG = Logger.getLogger(FrameParser.class.getName());

    /** The agent closes the session in order. */
    record Bye() {
    }

    /** A BATCH frame's payload, decoded by the session when the journal can take it. */
    record RawBatch(byte[] payload) {
    }

    private final IngestMetrics metrics;
    private boolean helloSeen;

    FrameParser(IngestMetrics metrics) {
        super(ByteBuf.class);
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
                if (helloSeen) {
                    throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "second HELLO on one connection");
                }
                helloSeen = true;
                out.add(Hello.decode(payload, 0, payload.length));
            }
            case BATCH -> {
                if (!helloSeen) {
                    throw new ProtocolException(ErrorCode.HELLO_REQUIRED, "BATCH before HELLO");
                }
                out.add(new RawBatch(payload));
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
}
