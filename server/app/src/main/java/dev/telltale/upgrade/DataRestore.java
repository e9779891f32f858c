package dev.telltale.upgrade;

import dev.telltale.backup.BackupLayout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Puts a backup's data back, as the data directory's owner: the backup and the data directory are
 * the server's to write, so root must not read, move or delete in them (a link planted there would
 * lead root anywhere). Running as root, the restore runs in a child JVM under the owner's uid and
 * gid ({@code setpriv}); otherwise in this process.
 */
final class DataRestore {
    private DataRestore() {
    }

    static void restore(Path dataDir, String backupId) {
        Path backup = dataDir.resolve("backups").resolve(Ids.backup(backupId));
        if (!Files.isDirectory(backup, LinkOption.NOFOLLOW_LINKS)) {
            throw new UpgradeException("backup " + backupId + " is missing from " + backup.getParent());
        }
        try {
            int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int owner = (Integer) Files.getAttribute(dataDir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int group = (Integer) Files.getAttribute(dataDir, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            if (me != 0 || owner == 0) {
                BackupLayout.restore(backup, dataDir);
                return;
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(List.of("setpriv", "--reuid=" + owner, "--regid=" + group, "--clear-groups", "--",
                    java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.telltale.backup.RestoreMain",
                    backup.toString(), dataDir.toString())).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readNBytes(16 * 1024), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                throw new UpgradeException("restoring backup " + backupId + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UpgradeException("cannot restore backup " + backupId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException("interrupted while restoring backup " + backupId, e);
        }
    }
}
