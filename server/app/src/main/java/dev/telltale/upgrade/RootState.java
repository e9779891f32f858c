package dev.telltale.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The applier's own records, in {@code state-dir} (root's; the server can read {@code state.json}
 * and nothing else): the transaction as the applier carries it out (the only copy recovery
 * trusts), the last successful upgrade (what a manual rollback may undo), the OS files an
 * upgrade replaced ({@code os-backup/<id>}, 0700) and the applier's lock. Nothing in the
 * server's data directory is trusted by the root side beyond what it validates.
 */
final class RootState {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    RootState(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path state() {
        return dir.resolve("state.json");
    }

    Path lock() {
        return dir.resolve("applier.lock");
    }

    Path osBackup(String id) {
        return dir.resolve("os-backup").resolve(Ids.transaction(id));
    }

    /** Creates the directories (state dir 0755: the server reads the progress; os-backup 0700). */
    void prepare() {
        try {
            mkdir(dir, "rwxr-xr-x");
            mkdir(dir.resolve("os-backup"), "rwx------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static void mkdir(Path d, String perms) throws IOException {
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(d);
        }
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(perms));
    }

    /** The transaction the applier last carried out; empty when none (or, for the server, when it cannot read it). */
    Optional<UpgradeState> read() {
        try {
            return Optional.of(StateFile.decode(JSON.readTree(Files.readAllBytes(state()))));
        } catch (NoSuchFileException | java.nio.file.AccessDeniedException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new UpgradeException("cannot read " + state() + ": " + e.getMessage(), e);
        }
    }

    void write(UpgradeState s) {
        try {
            StateFile.writeAtomically(state(), JSON.writeValueAsBytes(StateFile.encode(s)));
            Files.setPosixFilePermissions(state(), PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + state(), e);
        }
    }

    /** The last upgrade that ended DONE, while it may be rolled back. */
    record LastUpgrade(String id, String from, String to, String previousRelease, String safetyBackup) {
    }

    Optional<LastUpgrade> last() {
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(dir.resolve("last-upgrade.json")));
            return Optional.of(new LastUpgrade(n.path("id").asText(), n.path("from").asText(), n.path("to").asText(),
                    n.path("previous_release").asText(), n.path("safety_backup").asText()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void last(Optional<LastUpgrade> l) {
        Path f = dir.resolve("last-upgrade.json");
        try {
            if (l.isEmpty()) {
                Files.deleteIfExists(f);
                return;
            }
            LastUpgrade u = l.get();
            StateFile.writeAtomically(f, JSON.writeValueAsBytes(JSON.createObjectNode().put("id", u.id()).put("from", u.from())
                    .put("to", u.to()).put("previous_release", u.previousRelease()).put("safety_backup", u.safetyBackup())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }
}
