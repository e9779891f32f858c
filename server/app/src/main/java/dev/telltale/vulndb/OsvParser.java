package dev.telltale.vulndb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one OSV record (schema 1.x) into an {@link Advisory}, refusing it with a reason naming the
 * field when it is not one. Unknown fields are ignored, as the schema allows.
 */
final class OsvParser {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}");
    private static final int MAX_TEXT = 255;
    private static final int MAX_SUMMARY = 1000;
    private static final int MAX_DETAILS = 1 << 20;

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(MAX_DETAILS * 4).maxNumberLength(64).build());
    }

    private OsvParser() {
    }

    /** A record that is not a usable OSV advisory; {@code id} is its id when it had a readable one. */
    static final class InvalidRecord extends Exception {
        final Optional<String> id;

        InvalidRecord(Optional<String> id, String reason) {
            super(reason, null, false, false);
            this.id = id;
        }
    }

    /** @throws InvalidRecord naming the first field that is missing or malformed */
    static Advisory parse(byte[] json) throws InvalidRecord {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidRecord(Optional.empty(), "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidRecord(Optional.empty(), "unreadable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecord(Optional.empty(), "not a JSON object");
        }
        String id = text(root, "id", Optional.empty()).orElseThrow(() -> new InvalidRecord(Optional.empty(), "'id' is required"));
        if (!ID.matcher(id).matches()) {
            throw new InvalidRecord(Optional.empty(), "'id' is not an advisory id");
        }
        Optional<String> known = Optional.of(id);
        Instant modified = time(root, "modified", known).orElseThrow(() -> new InvalidRecord(known, "'modified' is required"));
        boolean withdrawn = time(root, "withdrawn", known).isPresent();
        Optional<Instant> published = time(root, "published", known);
        if (withdrawn) {
            return new Advisory(id, modified, published, true, List.of(), "", "", Optional.empty(), Optional.empty(),
                    "UNKNOWN", List.of());
        }
        // Distribution advisories (Debian DSA/DLA, Alpine) name their CVEs as upstream ids, not aliases.
        List<String> aliases = new ArrayList<>(strings(root.get("aliases"), "aliases", known, 1000, 128));
        strings(root.get("upstream"), "upstream", known, 1000, 128).stream()
                .filter(u -> u.startsWith("CVE-") && !aliases.contains(u)).forEach(aliases::add);
        String summary = clip(text(root, "summary", known).orElse(""), MAX_SUMMARY);
        String details = clip(text(root, "details", known).orElse(""), MAX_DETAILS);
        Optional<String> vector = vector(root, known);
        Optional<Double> score = vector.flatMap(Cvss::baseScore);
        List<Advisory.Affected> affected = affected(root.get("affected"), known);
        String severity = severity(root, score);
        return new Advisory(id, modified, published, false, List.copyOf(aliases), summary, details, vector, score, severity, affected);
    }

    /** The CVSS v3 vector if there is one (it yields a score), else the v4 vector. */
    private static Optional<String> vector(JsonNode root, Optional<String> id) throws InvalidRecord {
        JsonNode sev = root.get("severity");
        if (sev == null || sev.isNull()) {
            return Optional.empty();
        }
        if (!sev.isArray()) {
            throw new InvalidRecord(id, "'severity' must be an array");
        }
        Optional<String> v4 = Optional.empty();
        for (int i = 0; i < sev.size(); i++) {
            JsonNode s = sev.get(i);
            String type = text(s, "type", id).orElse("");
            Optional<String> score = text(s, "score", id).map(String::trim).filter(x -> x.length() <= MAX_TEXT);
            if (type.equals("CVSS_V3") && score.isPresent()) {
                return score;
            }
            if (type.equals("CVSS_V4") && v4.isEmpty()) {
                v4 = score;
            }
        }
        return v4;
    }

    /** database_specific.severity, else the first affected package's ecosystem_specific.severity, else the CVSS v3 rating. */
    private static String severity(JsonNode root, Optional<Double> score) {
        List<JsonNode> places = new ArrayList<>();
        places.add(root.path("database_specific").path("severity"));
        root.path("affected").forEach(a -> places.add(a.path("ecosystem_specific").path("severity")));
        for (JsonNode n : places) {
            if (n.isTextual()) {
                Optional<String> s = Cvss.normaliseSeverity(n.asText());
                if (s.isPresent()) {
                    return s.get();
                }
            }
        }
        return score.map(Cvss::rating).orElse("UNKNOWN");
    }

    private static List<Advisory.Affected> affected(JsonNode node, Optional<String> id) throws InvalidRecord {
        List<Advisory.Affected> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new InvalidRecord(id, "'affected' must be an array");
        }
        for (int i = 0; i < node.size(); i++) {
            String at = "affected[" + i + "]";
            JsonNode a = node.get(i);
            JsonNode pkg = a.path("package");
            String ecosystem = text(pkg, "ecosystem", id).filter(s -> !s.isBlank())
                    .orElseThrow(() -> new InvalidRecord(id, "'" + at + ".package.ecosystem' is required"));
            String name = text(pkg, "name", id).filter(s -> !s.isBlank())
                    .orElseThrow(() -> new InvalidRecord(id, "'" + at + ".package.name' is required"));
            if (ecosystem.length() > 64 || name.length() > MAX_TEXT) {
                throw new InvalidRecord(id, "'" + at + ".package' has an over-long ecosystem or name");
            }
            Optional<String> purl = text(pkg, "purl", id).filter(p -> p.length() <= 512);
            out.add(new Advisory.Affected(ecosystem.trim(), PackageNames.normalise(ecosystem, name), purl,
                    ranges(a.get("ranges"), at, id), strings(a.get("versions"), at + ".versions", id, 100_000, MAX_TEXT)));
        }
        return out;
    }

    private static List<Advisory.Range> ranges(JsonNode node, String at, Optional<String> id) throws InvalidRecord {
        List<Advisory.Range> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new InvalidRecord(id, "'" + at + ".ranges' must be an array");
        }
        for (int r = 0; r < node.size(); r++) {
            String where = at + ".ranges[" + r + "]";
            JsonNode range = node.get(r);
            Advisory.RangeType type;
            try {
                type = Advisory.RangeType.valueOf(text(range, "type", id).orElse(""));
            } catch (IllegalArgumentException e) {
                throw new InvalidRecord(id, "'" + where + ".type' must be ECOSYSTEM, SEMVER or GIT");
            }
            JsonNode events = range.get("events");
            if (events == null || !events.isArray() || events.isEmpty()) {
                throw new InvalidRecord(id, "'" + where + ".events' must be a non-empty array");
            }
            List<Advisory.Event> evs = new ArrayList<>();
            for (int e = 0; e < events.size(); e++) {
                evs.add(event(events.get(e), where + ".events[" + e + "]", id));
            }
            out.add(new Advisory.Range(type, text(range, "repo", id).filter(s -> s.length() <= 512), evs));
        }
        return out;
    }

    private static Advisory.Event event(JsonNode e, String where, Optional<String> id) throws InvalidRecord {
        Advisory.Event found = null;
        for (Advisory.Kind k : Advisory.Kind.values()) {
            Optional<String> v = text(e, k.field, id);
            if (v.isPresent()) {
                if (found != null || v.get().isBlank() || v.get().length() > MAX_TEXT) {
                    throw new InvalidRecord(id, "'" + where + "' must hold exactly one non-empty version");
                }
                found = new Advisory.Event(k, v.get().trim());
            }
        }
        if (found == null) {
            throw new InvalidRecord(id, "'" + where + "' must be introduced, fixed, last_affected or limit");
        }
        return found;
    }

    private static Optional<String> text(JsonNode parent, String field, Optional<String> id) throws InvalidRecord {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull() || n.isMissingNode()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw new InvalidRecord(id, "'" + field + "' must be a string");
        }
        return Optional.of(n.asText());
    }

    private static Optional<Instant> time(JsonNode root, String field, Optional<String> id) throws InvalidRecord {
        Optional<String> s = text(root, field, id);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(s.get()).toInstant());
        } catch (DateTimeParseException e) {
            throw new InvalidRecord(id, "'" + field + "' is not an RFC 3339 time: " + clip(s.get(), 40));
        }
    }

    private static List<String> strings(JsonNode node, String field, Optional<String> id, int max, int maxLength)
            throws InvalidRecord {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > max) {
            throw new InvalidRecord(id, "'" + field + "' must be an array of at most " + max + " strings");
        }
        for (JsonNode n : node) {
            if (!n.isTextual() || n.asText().isBlank() || n.asText().length() > maxLength) {
                throw new InvalidRecord(id, "'" + field + "' must hold non-empty strings of at most " + maxLength + " characters");
            }
            out.add(n.asText().trim());
        }
        return List.copyOf(out);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
