package dev.telltale.loadgen;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.telltale.protocol.Compression;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Compresses a fixed cycle of batches once, so a load generator can replay it for ever without
 * spending CPU on compression. Batches are flushed like {@code BatchEncoder} does (same level
 * and window), but the last batch of the cycle also ends the zstd frame: the next replay then
 * starts a new frame, which a connection's decompressor accepts as the continuation of its
 * stream. Not thread-safe; close to free native memory.
 */
final class CycleCompressor implements AutoCloseable {
    private final ZstdCompressCtx ctx = new ZstdCompressCtx();
    private ByteBuffer src = ByteBuffer.allocateDirect(256 << 10);
    private ByteBuffer dst = ByteBuffer.allocateDirect(256 << 10);

    CycleCompressor(int level) {
        ctx.setLevel(level);
        ctx.setWindowLog(Compression.ZSTD_MAX_WINDOW_LOG);
        ctx.setChecksum(false);
    }

    /** Compresses one batch's raw events; {@code last} ends the cycle's zstd frame. */
    byte[] compress(byte[] raw, int len, boolean last) {
        if (src.capacity() < len) {
            src = ByteBuffer.allocateDirect(len);
        }
        src.clear();
        src.put(raw, 0, len).flip();
        ByteArrayOutputStream out = new ByteArrayOutputStream(len / 3 + 64);
        byte[] chunk = new byte[dst.capacity()];
        boolean done;
        do {
            dst.clear();
            done = ctx.compressDirectByteBufferStream(dst, src, last ? EndDirective.END : EndDirective.FLUSH);
            dst.flip();
            int n = dst.remaining();
            dst.get(chunk, 0, n);
            out.write(chunk, 0, n);
        } while (!done || src.hasRemaining());
        return out.toByteArray();
    }

    @Override
    public void close() {
        ctx.close();
    }
}
