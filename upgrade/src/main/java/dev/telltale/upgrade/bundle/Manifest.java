package dev.telltale.upgrade.bundle;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.upgrade.bundle.BundleRefusedException.Reason;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The signed description of an upgrade bundle: what version it installs, the oldest version it
 * upgrades from, which key signed it and the size, SHA-256 and mode of every file. Stored in the
 * bundle as {@code manifest.json} with kebab-case keys; the signature covers its exact bytes.
 *
 * @param format  the manifest format, {@value #FORMAT}
 * @param minFrom the oldest installed version this bundle upgrades (inclusive)
 * @param keyId   {@link ReleaseKeys#keyId} of the signing key
 * @param files   every file of the bundle, sorted by path, no path twice
 */
public record Manifest(int format, Version version, Version minFrom, Instant created, String keyId, List<FileEntry> files) {

    /** The only manifest format this code reads and writes. */
    public static final int FORMAT = 1;
    /** The largest manifest.json accepted. */
    public static final int MAX_BYTES = 4 << 20;
    /** The most files a bundle may hold. */
    public static final int MAX_FILES = 100_000;

    private static final Set<String> KEYS = Set.of("format", "version", "min-from", "created", "key-id", "files");
    private static final Set<String> FILE_KEYS = Set.of("path", "size", "sha256", "mode");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** Validates the manifest as a whole; throws {@link BundleRefusedException} (MALFORMED) naming the field. */
    public Manifest {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(minFrom, "minFrom");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(keyId, "keyId");
        files = List.copyOf(files);
        if (format != FORMAT) throw malformed("format " + format + " is not supported (this appliance reads format " + FORMAT + ")");
        if (minFrom.compareTo(version) > 0) throw malformed("min-from " + minFrom + " is newer than version " + version);
        if (!ReleaseKeys.isKeyId(keyId)) throw malformed("key-id is not " + ReleaseKeys.KEY_ID_LENGTH + " lower-case hex digits");
        if (files.size() > MAX_FILES) {
            throw new BundleRefusedException(Reason.TOO_LARGE, "the manifest lists " + files.size() + " files (at most " + MAX_FILES + ")");
        }
        Set<String> seen = new HashSet<>();
        for (FileEntry f : files) {
            if (!seen.add(f.path())) throw new BundleRefusedException(Reason.UNSAFE_PATH, "manifest lists " + SafePaths.quote(f.path()) + " twice");
        }
    }

    /** The sum of all file sizes ({@link Long#MAX_VALUE} if that overflows). */
    public long totalSize() {
        long total = 0;
        for (FileEntry f : files) {
            total += f.size();
            if (total < 0) return Long.MAX_VALUE;
        }
        return total;
    }

    /**
     * Reads a manifest strictly: unknown format, missing or extra fields, duplicate keys or paths,
     * bad hex, bad versions or negative sizes are refused.
     *
     * @throws BundleRefusedException MALFORMED naming the field (TOO_LARGE, UNSAFE_PATH where those fit)
     */
    public static Manifest parse(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw new BundleRefusedException(Reason.TOO_LARGE, "manifest.json is " + json.length + " bytes (at most " + MAX_BYTES + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new BundleRefusedException(Reason.MALFORMED, "manifest.json is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new BundleRefusedException(Reason.MALFORMED, "manifest.json cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw malformed("manifest.json is not a JSON object");
        exactKeys(root, KEYS, "manifest");
        JsonNode format = root.get("format");
        if (!format.isInt()) throw malformed("format is not an integer");
        if (format.intValue() != FORMAT) throw malformed("format " + format.intValue() + " is not supported (this appliance reads format " + FORMAT + ")");
        Version version = version(root, "version");
        Version minFrom = version(root, "min-from");
        Instant created;
        try {
            created = Instant.parse(text(root, "created"));
        } catch (DateTimeException e) {
            throw malformed("created is not an ISO-8601 instant (e.g. 2026-01-31T12:00:00Z)");
        }
        String keyId = text(root, "key-id");
        JsonNode files = root.get("files");
        if (!files.isArray()) throw malformed("files is not an array");
        if (files.size() > MAX_FILES) {
            throw new BundleRefusedException(Reason.TOO_LARGE, "the manifest lists " + files.size() + " files (at most " + MAX_FILES + ")");
        }
        FileEntry[] entries = new FileEntry[files.size()];
        for (int i = 0; i < entries.length; i++) entries[i] = file(files.get(i), i);
        return new Manifest(FORMAT, version, minFrom, created, keyId, List.of(entries));
    }

    /** The manifest as the JSON that is signed (files in list order, two-space indents). */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", format);
        root.put("version", version.toString());
        root.put("min-from", minFrom.toString());
        root.put("created", created.toString());
        root.put("key-id", keyId);
        ArrayNode list = root.putArray("files");
        for (FileEntry f : files) {
            ObjectNode o = list.addObject();
            o.put("path", f.path());
            o.put("size", f.size());
            o.put("sha256", f.sha256());
            o.put("mode", f.modeOctal());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write a manifest", e);
        }
    }

    private static FileEntry file(JsonNode node, int index) {
        String where = "files[" + index + "]";
        if (!node.isObject()) throw malformed(where + " is not an object");
        exactKeys(node, FILE_KEYS, where);
        String path = text(node, "path", where);
        JsonNode size = node.get("size");
        if (!size.isIntegralNumber() || !size.canConvertToLong()) throw malformed(where + ".size is not an integer");
        String mode = text(node, "mode", where);
        if (!mode.matches("0[0-7]{3}")) throw malformed(where + ".mode is not four octal digits (e.g. 0644)");
        return new FileEntry(path, size.longValue(), text(node, "sha256", where), Integer.parseInt(mode, 8));
    }

    private static void exactKeys(JsonNode node, Set<String> keys, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) throw malformed(where + " has an unknown field " + SafePaths.quote(k));
        }
        for (String k : keys) {
            if (!node.has(k)) throw malformed(where + " has no field \"" + k + "\"");
        }
    }

    private static Version version(JsonNode root, String key) {
        try {
            return Version.parse(text(root, key));
        } catch (IllegalArgumentException e) {
            throw malformed(key + " is " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String key) {
        return text(node, key, "manifest");
    }

    private static String text(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (!v.isTextual()) throw malformed(("manifest".equals(where) ? "" : where + ".") + key + " is not a string");
        return v.textValue();
    }

    static BundleRefusedException malformed(String message) {
        return new BundleRefusedException(Reason.MALFORMED, "malformed manifest: " + message);
    }
}
