package dev.telltale.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.upgrade.bundle.BundleRefusedException;
import dev.telltale.upgrade.bundle.Bundles;
import dev.telltale.upgrade.bundle.ReleaseKeys;
import dev.telltale.upgrade.bundle.VerifiedBundle;
import dev.telltale.upgrade.bundle.Version;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Uploaded bundles: read with a size bound into {@code incoming/}, verified completely
 * (signature, every file, version path), then kept as {@code staged/<version>.ttu} with a summary
 * beside it. A refused upload leaves nothing behind.
 */
final class Staging {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z.+-]{1,64}");
    private final UpgradeConfig cfg;
    private final StateFile files;
    private final String current;
    private final Clock clock;

    Staging(UpgradeConfig cfg, StateFile files, String current, Clock clock) {
        this.cfg = cfg;
        this.files = files;
        this.current = current;
        this.clock = clock;
    }

    synchronized Upgrades.StagedBundle stage(InputStream body, String actor) {
        Version from = currentVersion();
        Path incoming = files.dir().resolve("incoming").resolve(UUID.randomUUID() + ".ttu");
        try {
            Files.createDirectories(incoming.getParent());
            String sha = copyBounded(body, incoming);
            Upgrades.StagedBundle staged;
            try (VerifiedBundle b = Bundles.verify(incoming, ReleaseKeys.load(cfg.releaseKeys()), from)) {
                var m = b.manifest();
                staged = new Upgrades.StagedBundle(m.version().toString(), m.minFrom().toString(), m.keyId(), m.files().size(),
                        Files.size(incoming), sha, actor, clock.instant());
            }
            Files.createDirectories(files.staged());
            Files.move(incoming, files.staged().resolve(staged.version() + ".ttu"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            var summary = JSON.createObjectNode().put("version", staged.version()).put("minFrom", staged.minFrom())
                    .put("keyId", staged.keyId()).put("files", staged.files()).put("sizeBytes", staged.sizeBytes())
                    .put("sha256", staged.sha256()).put("uploadedBy", actor).put("uploadedAt", staged.uploadedAt().toString());
            StateFile.writeAtomically(files.staged().resolve(staged.version() + ".json"), JSON.writeValueAsBytes(summary));
            return staged;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the uploaded bundle", e);
        } finally {
            try {
                Files.deleteIfExists(incoming);
            } catch (IOException ignored) {
                // the next upload's directory listing does not care
            }
        }
    }

    private Version currentVersion() {
        try {
            return Version.parse(current);
        } catch (BundleRefusedException | IllegalArgumentException e) {
            throw new UpgradeException(UpgradeException.Kind.BAD_REQUEST, "this server (version " + current
                    + ") is a development build: only a released appliance can be upgraded");
        }
    }

    private String copyBounded(InputStream in, Path to) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long total = 0;
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(to)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > cfg.maxBundleBytes()) {
                    throw new UpgradeException(UpgradeException.Kind.TOO_LARGE, "the bundle is larger than "
                            + cfg.maxBundleBytes() + " bytes (telltale.upgrade.max-bundle-bytes)");
                }
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
        if (total == 0) {
            throw new UpgradeException(UpgradeException.Kind.BAD_REQUEST, "the request has no body: send the bundle file");
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    synchronized List<Upgrades.StagedBundle> list() {
        List<Upgrades.StagedBundle> out = new ArrayList<>();
        if (!Files.isDirectory(files.staged())) {
            return out;
        }
        try (Stream<Path> all = Files.list(files.staged())) {
            for (Path p : all.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode n = JSON.readTree(p.toFile());
                out.add(new Upgrades.StagedBundle(n.path("version").asText(), n.path("minFrom").asText(),
                        n.path("keyId").asText(), n.path("files").asInt(), n.path("sizeBytes").asLong(), n.path("sha256").asText(),
                        n.path("uploadedBy").asText(), Instant.parse(n.path("uploadedAt").asText())));
            }
        } catch (IOException | RuntimeException e) {
            throw new UpgradeException("cannot list the staged bundles: " + e.getMessage(), e);
        }
        return out;
    }

    Path bundle(String version) {
        Path p = files.staged().resolve(checked(version) + ".ttu");
        if (!Files.exists(p)) {
            throw new UpgradeException(UpgradeException.Kind.NOT_FOUND, "no bundle of version " + version + " is staged");
        }
        return p;
    }

    synchronized void discard(String version) {
        Path p = bundle(version);
        try {
            Files.delete(p);
            Files.deleteIfExists(files.staged().resolve(version + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String checked(String version) {
        if (!VERSION.matcher(version).matches()) {
            throw new UpgradeException(UpgradeException.Kind.BAD_REQUEST, "'" + version + "' is not a version");
        }
        return version;
    }
}
