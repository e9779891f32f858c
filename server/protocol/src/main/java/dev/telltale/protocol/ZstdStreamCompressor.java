package dev.telltale.protocol;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;

import java.nio.ByteBuffer;

/**
 * The sending side of a connection's zstd stream: each call compresses one batch and
 * flushes, so the receiver can decode it at once. Not thread-safe; close to free native memory.
 */
public final class ZstdStreamCompressor implements AutoCloseable {
    private final ZstdCompressCtx ctx = new ZstdCompressCtx();
    private ByteBuffer src = ByteBuffer.allocateDirect(64 << 10);
    private ByteBuffer dst = ByteBuffer.allocateDirect(64 << 10);

    public ZstdStreamCompressor(int level) {
        ctx.setLevel(level);
        ctx.setWindowLog(Compression.ZSTD_MAX_WINDOW_LOG);
        ctx.setChecksum(false);
    }

    /** Compresses {@code len} bytes and flushes; returns the bytes to send. */
    public byte[] compressAndFlush(byte[] in, int off, int len) {
        if (src.capacity() < len) {
            src = ByteBuffer.allocateDirect(Math.max(len, src.capacity() * 2));
        }
        src.clear();
        src.put(in, off, len).flip();
        dst.clear();
        WireWriter out = new WireWriter(len / 3 + 64);
        byte[] chunk = new byte[dst.capacity()];
        boolean done;
        do {
            done = ctx.compressDirectByteBufferStream(dst, src, EndDirective.FLUSH);
            dst.flip();
            int n = dst.remaining();
            if (chunk.length < n) {
                chunk = new byte[n];
            }
            dst.get(chunk, 0, n);
            out.writeRaw(chunk, 0, n);
            dst.clear();
        } while (!done || src.hasRemaining());
        return out.toByteArray();
    }

    @Override
    public void close() {
        ctx.close();
    }
}
