package dev.telltale.upgrade;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * {@code applier.lock} in the applier's state directory: held by the applier while it works (released by the kernel
 * when its process dies, however it dies), holding its process id for operators and tests.
 * Recovery rolls back only a transaction whose applier no longer holds it.
 */
final class ApplierLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private ApplierLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static Optional<ApplierLock> acquire(RootState root, boolean wait) throws IOException {
        root.prepare();
        FileChannel ch = FileChannel.open(root.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        FileLock l = wait ? ch.lock() : ch.tryLock();
        if (l == null) {
            ch.close();
            return Optional.empty();
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return Optional.of(new ApplierLock(ch, l));
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
