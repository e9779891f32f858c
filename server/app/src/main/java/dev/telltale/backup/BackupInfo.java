package dev.telltale.backup;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A complete backup under {@code DATA/backups/<id>}: when it was taken, by which appliance
 * version, why ({@code manual}, {@code scheduled}, {@code pre-upgrade 0.2.0}), its size on
 * disk (hard-linked index files counted once per backup) and its directory.
 */
public record BackupInfo(String id, Instant created, String version, String reason, long sizeBytes, Path dir) {
}
