package dev.telltale.backup;

import java.io.IOException;
import java.nio.file.Path;

/** Export over SFTP. */
final class SftpTarget {
    private SftpTarget() {
    }

    static String send(BackupConfig.SftpTarget t, BackupInfo b, String name, int keepRemote, Path scratch) throws IOException {
        throw new BackupException(BackupException.Reason.INVALID, "SFTP export is not available in this build");
    }
}
