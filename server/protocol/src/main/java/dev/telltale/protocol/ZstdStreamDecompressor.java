package dev.telltale.protocol;

import com.github.luben.zstd.ZstdDecompressCtx;

import java.nio.ByteBuffer;

/**
 * The receiving side of a connection's zstd stream. Each call decodes one flushed batch
 * into exactly the announced number of bytes; more, fewer or corrupt data raise
 * {@link ErrorCode#DECOMPRESSION_FAILED}. The window is capped so a peer cannot make the
 * appliance reserve more than 2^{@value Compression#ZSTD_MAX_WINDOW_LOG} bytes per connection.
 */
public final class ZstdStreamDecompressor implements AutoCloseable {
    private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
    private ByteBuffer src = ByteBuffer.allocateDirect(16 << 10);
    private ByteBuffer dst = ByteBuffer.allocateDirect(64 << 10);

    public ZstdStreamDecompressor() {
        ctx.setLongMax(Compression.ZSTD_MAX_WINDOW_LOG);
    }

    /** Decodes {@code len} compressed bytes into a new array of exactly {@code rawSize} bytes. */
    public byte[] decompress(byte[] in, int off, int len, int rawSize) {
        if (src.capacity() < len) {
            src = ByteBuffer.allocateDirect(Math.max(len, src.capacity() * 2));
        }
        if (dst.capacity() < rawSize + 1) {
            dst = ByteBuffer.allocateDirect(Math.max(rawSize + 1, dst.capacity() * 2));
        }
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
        byte[] out = new byte[rawSize];
        dst.get(out);
        return out;
    }

    private static ProtocolException failed(String message) {
        return new ProtocolException(ErrorCode.DECOMPRESSION_FAILED, message);
    }

    @Override
    public void close() {
        ctx.close();
    }
}
