package dev.telltale.sbom.export;

import org.cyclonedx.exception.ParseException;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Tool;
import org.cyclonedx.parsers.JsonParser;
import org.cyclonedx.parsers.Parser;
import org.cyclonedx.parsers.XmlParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an imported CycloneDX SBOM (JSON or XML, any spec version the library knows) with the
 * official parsers after validating it against the schema of the version it declares.
 */
final class CycloneDxReader {
    static final int MAX_COMPONENTS = 50_000;

    private CycloneDxReader() {
    }

    /** @throws Sbom.InvalidSbomException naming what is wrong */
    static Imported.Bom read(byte[] doc) {
        if (doc.length == 0) {
            throw new Sbom.InvalidSbomException("the body is empty: send a CycloneDX JSON or XML document");
        }
        if (doc.length > Sbom.MAX_IMPORT_BYTES) {
            throw new Sbom.InvalidSbomException("an SBOM has at most " + Sbom.MAX_IMPORT_BYTES + " bytes");
        }
        char first = firstChar(doc);
        boolean xml = first == '<';
        if (!xml && first != '{') {
            throw new Sbom.InvalidSbomException("not a CycloneDX document: expected JSON ('{') or XML ('<')");
        }
        if (xml && new String(doc, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT).contains("<!DOCTYPE")) {
            // No DTDs: they are not part of CycloneDX and are the way to external-entity attacks.
            throw new Sbom.InvalidSbomException("XML with a DOCTYPE is refused");
        }
        Parser parser = xml ? new XmlParser() : new JsonParser();
        List<ParseException> problems;
        try {
            problems = parser.validate(doc);
        } catch (IOException | RuntimeException e) {
            throw new Sbom.InvalidSbomException("not a CycloneDX document: " + clip(String.valueOf(e.getMessage())));
        }
        if (!problems.isEmpty()) {
            throw new Sbom.InvalidSbomException("the SBOM does not validate against the CycloneDX schema: "
                    + clip(problems.get(0).getMessage()) + (problems.size() > 1 ? " (and " + (problems.size() - 1)
                    + " more)" : ""));
        }
        Bom bom;
        try {
            bom = parser.parse(doc);
        } catch (ParseException | RuntimeException e) {
            throw new Sbom.InvalidSbomException("cannot read the CycloneDX document: " + clip(String.valueOf(e.getMessage())));
        }
        List<Imported> components = new ArrayList<>();
        flatten(Optional.ofNullable(bom.getComponents()).orElse(List.of()), components, 0);
        return new Imported.Bom(tool(bom.getMetadata()), xml ? "cyclonedx-xml" : "cyclonedx-json",
                Optional.ofNullable(bom.getSpecVersion()).orElse("?"),
                Optional.ofNullable(bom.getSerialNumber()).filter(s -> !s.isBlank()).map(s -> clip(s, 200)), components);
    }

    private static void flatten(List<Component> in, List<Imported> out, int depth) {
        if (depth > 16) {
            throw new Sbom.InvalidSbomException("components are nested more than 16 deep");
        }
        for (Component c : in) {
            if (out.size() >= MAX_COMPONENTS) {
                throw new Sbom.InvalidSbomException("an SBOM has at most " + MAX_COMPONENTS + " components");
            }
            out.add(component(c));
            if (c.getComponents() != null) {
                flatten(c.getComponents(), out, depth + 1);
            }
        }
    }

    private static Imported component(Component c) {
        String name = require(c.getName(), "name", 500, c);
        Optional<String> purl = Optional.ofNullable(c.getPurl()).filter(s -> !s.isBlank())
                .map(s -> require(s, "purl", 2000, c));
        Optional<String> group = Optional.ofNullable(c.getGroup()).filter(s -> !s.isBlank())
                .map(s -> require(s, "group", 500, c));
        Optional<String> version = Optional.ofNullable(c.getVersion()).filter(s -> !s.isBlank())
                .map(s -> require(s, "version", 200, c));
        String type = c.getType() == null ? "library" : c.getType().getTypeName();
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Hash h : Optional.ofNullable(c.getHashes()).orElse(List.of())) {
            if (h.getAlgorithm() != null && h.getValue() != null) {
                hashes.putIfAbsent(h.getAlgorithm(), h.getValue().toLowerCase(Locale.ROOT));
            }
        }
        List<String> licences = licences(c.getLicenses());
        if (String.join("", licences).length() > 3000 || hashes.toString().length() > 1500) {
            throw new Sbom.InvalidSbomException("component '" + clip(name) + "' has too many licences or hashes");
        }
        return new Imported(type, purl, group, name, version, licences, hashes);
    }

    static List<String> licences(LicenseChoice choice) {
        List<String> out = new ArrayList<>();
        if (choice == null) {
            return out;
        }
        if (choice.getExpression() != null && choice.getExpression().getValue() != null) {
            out.add(choice.getExpression().getValue());
        }
        for (License l : Optional.ofNullable(choice.getLicenses()).orElse(List.of())) {
            String v = l.getId() != null ? l.getId() : l.getName();
            if (v != null && !v.isBlank() && !out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /** The producing tool: {@code name version} of the first tool listed (1.5+ or legacy form), else {@code unknown}. */
    @SuppressWarnings("deprecation")
    private static String tool(Metadata m) {
        if (m == null) {
            return "unknown";
        }
        if (m.getToolChoice() != null && m.getToolChoice().getComponents() != null
                && !m.getToolChoice().getComponents().isEmpty()) {
            Component t = m.getToolChoice().getComponents().get(0);
            return clip(join(t.getGroup(), t.getName(), t.getVersion()), 300);
        }
        if (m.getToolChoice() != null && m.getToolChoice().getServices() != null
                && !m.getToolChoice().getServices().isEmpty()) {
            var s = m.getToolChoice().getServices().get(0);
            return clip(join(s.getGroup(), s.getName(), s.getVersion()), 300);
        }
        if (m.getTools() != null && !m.getTools().isEmpty()) {
            Tool t = m.getTools().get(0);
            return clip(join(t.getVendor(), t.getName(), t.getVersion()), 300);
        }
        return "unknown";
    }

    private static String join(String group, String name, String version) {
        String n = (group == null || group.isBlank() ? "" : group + " ") + (name == null ? "unknown" : name);
        return version == null || version.isBlank() ? n : n + " " + version;
    }

    private static String require(String value, String field, int max, Component c) {
        if (value == null || value.isBlank()) {
            throw new Sbom.InvalidSbomException("a component has no " + field);
        }
        if (value.length() > max) {
            throw new Sbom.InvalidSbomException("component '" + clip(c.getName() == null ? "?" : c.getName()) + "': "
                    + field + " is longer than " + max + " characters");
        }
        return value;
    }

    private static char firstChar(byte[] doc) {
        int i = 0;
        // A UTF-8 byte-order mark may precede the document.
        if (doc.length >= 3 && (doc[0] & 0xff) == 0xef && (doc[1] & 0xff) == 0xbb && (doc[2] & 0xff) == 0xbf) {
            i = 3;
        }
        while (i < doc.length && Character.isWhitespace(doc[i])) {
            i++;
        }
        return i < doc.length ? (char) doc[i] : 0;
    }

    private static String clip(String s) {
        return clip(s, 200);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
