package dev.telltale.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files of {@code DATA/upgrade/}: {@code state.json} (the transaction, written whole and
 * renamed into place with fsyncs, so a crash leaves the old or the new state, never half of one),
 * {@code request} (the trigger the applier's path unit watches), {@code gate-token} and {@code staged/}
 * (verified bundles): the server's. The applier only reads them, as untrusted input.
 */
public final class StateFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    public StateFile(Path dataDir) {
        this.dir = dataDir.resolve("upgrade");
    }

    public Path dir() {
        return dir;
    }

    Path state() {
        return dir.resolve("state.json");
    }

    Path request() {
        return dir.resolve("request");
    }

    Path gateToken() {
        return dir.resolve("gate-token");
    }

    Path staged() {
        return dir.resolve("staged");
    }

    /** The current transaction, if any; an unreadable file is reported, not hidden. */
    public Optional<UpgradeState> read() {
        try {
            return Optional.of(decode(JSON.readTree(Files.readAllBytes(state()))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new UpgradeException("cannot read " + state() + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the state durably. */
    public void write(UpgradeState s) {
        try {
            writeAtomically(state(), JSON.writeValueAsBytes(encode(s)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writeAtomically(Path target, byte[] bytes) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDir(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    static void fsyncDir(Path d) {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems refuse to sync a directory; the rename is still atomic there
        }
    }

    static ObjectNode encode(UpgradeState s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", s.id()).put("kind", s.kind().name()).put("from", s.from()).put("to", s.to())
                .put("phase", s.phase().name()).put("actor", s.actor()).put("started", s.started().toString())
                .put("updated", s.updated().toString()).put("percent", s.percent());
        s.bundle().ifPresent(v -> o.put("bundle", v));
        s.safetyBackup().ifPresent(v -> o.put("safety_backup", v));
        s.restoreBackup().ifPresent(v -> o.put("restore_backup", v));
        s.previousRelease().ifPresent(v -> o.put("previous_release", v));
        s.osBackupOf().ifPresent(v -> o.put("os_backup_of", v));
        s.gateTokenId().ifPresent(v -> o.put("gate_token_id", v));
        s.outcome().ifPresent(v -> o.put("outcome", v));
        ArrayNode steps = o.putArray("steps");
        for (UpgradeState.Step st : s.steps()) {
            ObjectNode n = steps.addObject().put("name", st.name()).put("status", st.status().name()).put("detail", st.detail());
            st.started().ifPresent(t -> n.put("started", t.toString()));
            st.finished().ifPresent(t -> n.put("finished", t.toString()));
        }
        ArrayNode log = o.putArray("log");
        s.log().forEach(log::add);
        return o;
    }

    static UpgradeState decode(JsonNode o) {
        List<UpgradeState.Step> steps = new ArrayList<>();
        for (JsonNode n : o.path("steps")) {
            steps.add(new UpgradeState.Step(text(n, "name"), UpgradeState.Status.valueOf(text(n, "status")),
                    opt(n, "started").map(Instant::parse), opt(n, "finished").map(Instant::parse), n.path("detail").asText("")));
        }
        List<String> log = new ArrayList<>();
        o.path("log").forEach(l -> log.add(l.asText()));
        return new UpgradeState(text(o, "id"), UpgradeState.Kind.valueOf(text(o, "kind")), text(o, "from"), text(o, "to"),
                UpgradeState.Phase.valueOf(text(o, "phase")), text(o, "actor"), Instant.parse(text(o, "started")),
                Instant.parse(text(o, "updated")), opt(o, "bundle"), opt(o, "safety_backup"), opt(o, "restore_backup"),
                opt(o, "previous_release"), opt(o, "os_backup_of"),
                o.hasNonNull("gate_token_id") ? Optional.of(o.get("gate_token_id").asLong()) : Optional.empty(),
                steps, log, opt(o, "outcome"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return v.asText();
    }

    private static Optional<String> opt(JsonNode o, String field) {
        return o.hasNonNull(field) ? Optional.of(o.get(field).asText()) : Optional.empty();
    }

    /** A small file read without following a link; refused when it is larger than {@code max} bytes. */
    static String readSmall(Path p, int max) {
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() > max) {
                throw new UpgradeException(p + " is larger than " + max + " bytes");
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) ch.size());
            while (b.hasRemaining() && ch.read(b) > 0) {
                // read it all
            }
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    static String readString(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
