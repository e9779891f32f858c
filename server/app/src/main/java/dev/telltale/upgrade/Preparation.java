package dev.telltale.upgrade;

import dev.telltale.upgrade.bundle.Bundles;
import dev.telltale.upgrade.bundle.ReleaseKeys;
import dev.telltale.upgrade.bundle.VerifiedBundle;
import dev.telltale.upgrade.bundle.Version;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the server does before it hands a transaction to the applier: pre-flight (version path,
 * free space, health, pending work), then agents paused and the automatic backup. A failure here
 * changes nothing: the transaction ends REFUSED and agents are readmitted.
 */
final class Preparation {
    private static final Logger LOG = Logger.getLogger(Preparation.class.getName());
    private final DefaultUpgrades up;
    private UpgradeState s;

    Preparation(DefaultUpgrades up, UpgradeState s) {
        this.up = up;
        this.s = s;
    }

    void run() {
        String step = "preflight";
        try {
            save(s.step(step, UpgradeState.Status.RUNNING, "", now()));
            String checked = preflight();
            save(s.step(step, UpgradeState.Status.DONE, checked, now()).log("pre-flight: " + checked, now()));
            step = "backup";
            save(s.step(step, UpgradeState.Status.RUNNING, "agents paused (they spool and retry)", now()));
            s = s.gateToken(up.pauseAgents(s.to(), s.actor()));
            var backup = up.backups().backupNow((s.kind() == UpgradeState.Kind.UPGRADE ? "before upgrade to " : "before rollback to ")
                    + s.to(), s.actor());
            s = s.safetyBackup(backup.id());
            save(s.step(step, UpgradeState.Status.DONE, "backup " + backup.id(), now()).log("backup " + backup.id() + " taken", now()));
            save(s.phase(UpgradeState.Phase.REQUESTED, now()).log("handed to the upgrade service", now()));
            step = "verify";
            StateFile.writeAtomically(up.files().request(), s.id().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            up.config().applierCommand().ifPresent(this::startApplier);
        } catch (RuntimeException e) {
            deleteRequest();
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.log(Level.WARNING, "upgrade " + s.id() + " refused at " + step + ": " + why, e);
            up.finish(s.step(step, UpgradeState.Status.FAILED, why, now()).log(step + " failed: " + why, now())
                    .outcome(UpgradeState.Phase.REFUSED, step + ": " + why + "; nothing was changed", now()));
        }
    }

    private String preflight() {
        UpgradeConfig cfg = up.config();
        long releaseBytes = 0;
        if (s.kind() == UpgradeState.Kind.UPGRADE) {
            try (VerifiedBundle b = Bundles.verify(Path.of(s.bundle().orElseThrow()), ReleaseKeys.load(cfg.releaseKeys()),
                    Version.parse(s.from()))) {
                releaseBytes = b.manifest().files().stream().mapToLong(f -> f.size()).sum();
                checkIndexFormat(b.manifest().files().stream().map(f -> f.path()).toList());
            }
        } else if (!Files.isDirectory(cfg.release(s.to()))) {
            throw new UpgradeException("release " + s.to() + " is no longer installed in " + cfg.release(s.to()));
        }
        if (!Files.isDirectory(cfg.releasesDir().resolve("releases"))) {
            throw new UpgradeException("there is no release directory " + cfg.releasesDir().resolve("releases")
                    + ": upgrades are applied on the appliance (see docs/upgrades.md)");
        }
        long needData = sizeOf(up.files().dir().getParent(), List.of("events", "backups", "upgrade", "logs", "lost+found"))
                + cfg.minFreeBytes();
        free(up.files().dir(), needData, "the data file system (for the backup)");
        free(cfg.releasesDir(), releaseBytes + cfg.minFreeBytes(), "the release file system");
        if (s.kind() == UpgradeState.Kind.UPGRADE && !up.healthy()) {
            throw new UpgradeException("the appliance is not healthy now (see /api/health): upgrade a healthy appliance,"
                    + " or roll back");
        }
        List<String> pending = up.pendingWork();
        if (!pending.isEmpty()) {
            throw new UpgradeException("work in progress must finish first: " + String.join("; ", pending));
        }
        return "version path " + s.from() + " -> " + s.to() + ", free space, health and pending work checked";
    }

    private static final java.util.regex.Pattern LUCENE_JAR =
            java.util.regex.Pattern.compile("release/lib/libs/lucene-core-(\\d+)\\.[^/]*\\.jar");

    /**
     * The event index is written by this release's Lucene; a release reads indexes of its own
     * major and the one before (older partitions are rebuilt in the background after an upgrade,
     * and an upgrade waits for that). A release two majors on, or an older one, could not open it.
     */
    static void checkIndexFormat(List<String> paths) {
        int ours = org.apache.lucene.util.Version.LATEST.major;
        for (String p : paths) {
            java.util.regex.Matcher m = LUCENE_JAR.matcher(p);
            if (m.matches()) {
                int theirs = Integer.parseInt(m.group(1));
                if (theirs > ours + 1) {
                    throw new UpgradeException("the new release uses Lucene " + theirs + ", which cannot read this appliance's"
                            + " event index (Lucene " + ours + "): upgrade through a release with Lucene " + (ours + 1) + " first");
                }
                if (theirs < ours) {
                    throw new UpgradeException("the new release uses Lucene " + theirs + ", older than this appliance's event"
                            + " index (Lucene " + ours + "), which it cannot read");
                }
            }
        }
    }

    private static void free(Path dir, long need, String what) {
        try {
            long usable = Files.getFileStore(dir).getUsableSpace();
            if (usable < need) {
                throw new UpgradeException("not enough free space on " + what + ": " + mb(usable) + " MB free, "
                        + mb(need) + " MB needed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long mb(long b) {
        return b >> 20;
    }

    /**
     * Bytes under {@code dir} except the named top-level entries (the event index is hard-linked,
     * not copied) and what the server may not read (a file system's {@code lost+found}).
     */
    private static long sizeOf(Path dir, List<String> except) {
        long[] total = new long[1];
        try {
            java.nio.file.Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a) {
                    return !d.equals(dir) && d.getParent().equals(dir) && except.contains(d.getFileName().toString())
                            ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
                    total[0] += a.isRegularFile() ? a.size() : 0;
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total[0];
    }

    private void deleteRequest() {
        try {
            java.nio.file.Files.deleteIfExists(up.files().request());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + up.files().request(), e);
        }
    }

    private void startApplier(List<String> command) {
        try {
            Path log = up.files().dir().resolve("applier.log");
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the applier " + command, e);
        }
    }

    private void save(UpgradeState next) {
        s = next;
        up.files().write(next);
    }

    private java.time.Instant now() {
        return up.clock().instant();
    }
}
