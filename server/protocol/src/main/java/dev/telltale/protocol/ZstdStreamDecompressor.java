package dev.telltale.protocol;

import com.github.luben.zstd.ZstdDecompressCtx;

import java.nio.ByteBuffer;

/**
 * The receiving side of a connection's zstd stream. Each call decodes one flushed batch
 * into exactly the announced number of bytes; more, fewer or corrupt data raise
 * {@link ErrorCode#DECOMPRESSION_FAILED}. The window is capped so a peer cannot make the
 * appliance reserve more than 2^{@value Compression#ZSTD_MAX_WINDOW_LOG} bytes per connection.
 *
 * <p>Only the stream state belongs to the connection. The buffers a batch passes through
 * belong to the calling thread (an event loop serves many connections, one batch at a time):
 * a connection does not hold a batch-sized buffer while idle, and a batch does not allocate a
 * new array of its size, which for batches of a megabyte or more was a humongous allocation
 * for G1 that started a concurrent collection cycle.
 */
public final class ZstdStreamDecompressor implements AutoCloseable {
    /** Buffers larger than this (a rare huge batch) are not kept for the next one. */
    private static final int KEPT_BYTES = 16 << 20;
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();

    private static final class Buffers {
        ByteBuffer src = ByteBuffer.allocateDirect(16 << 10);
        ByteBuffer dst = ByteBuffer.allocateDirect(64 << 10);
        byte[] out = new byte[64 << 10];
    }

    public ZstdStreamDecompressor() {
        ctx.setLongMax(Compression.ZSTD_MAX_WINDOW_LOG);
    }

    /**
     * Decodes {@code len} compressed bytes into the calling thread's output buffer and returns
     * it: its first {@code rawSize} bytes are the batch. The array is overwritten by this
     * thread's next call (on any connection): copy what must outlive it.
     */
    public byte[] decompressShared(byte[] in, int off, int len, int rawSize) {
        Buffers b = BUFFERS.get();
        if (b.src.capacity() < len) {
            b.src = ByteBuffer.allocateDirect(grown(b.src.capacity(), len));
        }
        if (b.dst.capacity() < rawSize + 1) {
            b.dst = ByteBuffer.allocateDirect(grown(b.dst.capacity(), rawSize + 1));
        }
        if (b.out.length < rawSize) {
            b.out = new byte[grown(b.out.length, rawSize)];
        }
        try {
            inflate(b.src, b.dst, in, off, len, rawSize);
            b.dst.get(b.out, 0, rawSize);
            return b.out;
        } finally {
            if (b.dst.capacity() > KEPT_BYTES || b.out.length > KEPT_BYTES || b.src.capacity() > KEPT_BYTES) {
                BUFFERS.remove();
            }
        }
    }

    /** Doubles toward {@link #KEPT_BYTES}, or takes exactly what one huge batch needs. */
    private static int grown(int capacity, int needed) {
        return Math.max(needed, Math.min(capacity * 2, KEPT_BYTES));
    }

    private void inflate(ByteBuffer src, ByteBuffer dst, byte[] in, int off, int len, int rawSize) {
        src.clear();
        src.put(in, off, len).flip();
        dst.clear().limit(rawSize + 1);
        try {
            while (true) {
                int before = dst.position();
                ctx.decompressDirectByteBufferStream(dst, src);
                if (dst.position() > rawSize) {
                    throw failed("batch decompresses to more than the announced " + rawSize + " bytes");
                }
                if (!src.hasRemaining() && dst.position() == before) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof ProtocolException pe) {
                throw pe;
            }
            throw failed("corrupt zstd data: " + e.getMessage());
        }
        if (dst.position() != rawSize) {
            throw failed("batch decompresses to " + dst.position() + " bytes, announced " + rawSize);
        }
        dst.flip();
    }

    private static ProtocolException failed(String message) {
        return new ProtocolException(ErrorCode.DECOMPRESSION_FAILED, message);
    }

    @Override
    public void close() {
        ctx.close();
    }
}
