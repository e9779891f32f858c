package dev.telltale.backup;

import java.nio.file.Path;

/**
 * {@code RestoreMain BACKUP_DIR DATA_DIR}: {@link BackupLayout#restore} in a process of its own,
 * which the upgrade applier runs under the data directory's owner. Exit status 0 restored, 1 failed.
 */
public final class RestoreMain {
    private RestoreMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: RestoreMain BACKUP_DIR DATA_DIR");
            System.exit(2);
        }
        try {
            BackupLayout.restore(Path.of(args[0]), Path.of(args[1]));
        } catch (RuntimeException e) {
            System.err.println("restore failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
