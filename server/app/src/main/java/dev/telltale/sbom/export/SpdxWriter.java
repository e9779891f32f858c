package dev.telltale.sbom.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.sbom.Inventory;
import org.spdx.core.InvalidSPDXAnalysisException;
import org.spdx.jacksonstore.MultiFormatStore;
import org.spdx.library.LicenseInfoFactory;
import org.spdx.library.ModelCopyManager;
import org.spdx.library.model.v2.Annotation;
import org.spdx.library.model.v2.ReferenceType;
import org.spdx.library.model.v2.SpdxConstantsCompatV2;
import org.spdx.library.model.v2.SpdxDocument;
import org.spdx.library.model.v2.SpdxPackage;
import org.spdx.library.model.v2.enumerations.AnnotationType;
import org.spdx.library.model.v2.enumerations.ChecksumAlgorithm;
import org.spdx.library.model.v2.enumerations.Purpose;
import org.spdx.library.model.v2.enumerations.ReferenceCategory;
import org.spdx.library.model.v2.enumerations.RelationshipType;
import org.spdx.library.model.v2.license.AnyLicenseInfo;
import org.spdx.storage.simple.InMemSpdxStore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Writes SPDX 2.3 JSON with the SPDX Java library: the component version is the described
 * package and CONTAINS one package per component; SPDX has no place for runtime facts, so a
 * package's load facts go in its comment and the version's processes, listeners and outbound
 * connections in document annotations.
 */
final class SpdxWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private SpdxWriter() {
    }

    static byte[] json(Inventory.VersionRef ref, List<Entry> entries, List<Inventory.RuntimeFact> facts, Instant now,
                       String toolVersion) {
        Licences.init();
        try {
            InMemSpdxStore store = new InMemSpdxStore();
            SpdxDocument doc = document(store, ref, entries, facts, now, toolVersion);
            List<String> problems = doc.verify();
            if (!problems.isEmpty()) {
                throw new IllegalStateException("the SPDX document does not verify: " + problems);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new MultiFormatStore(store, MultiFormatStore.Format.JSON_PRETTY).serialize(out);
            return schemaPurposes(out.toByteArray());
        } catch (InvalidSPDXAnalysisException | IOException e) {
            throw new IllegalStateException("cannot write SPDX JSON", e);
        }
    }

    static SpdxDocument document(InMemSpdxStore store, Inventory.VersionRef ref, List<Entry> entries,
                                 List<Inventory.RuntimeFact> facts, Instant now, String toolVersion)
            throws InvalidSPDXAnalysisException {
        String uri = "https://telltale.invalid/spdx/" + enc(ref.application()) + "/" + enc(ref.component()) + "/"
                + enc(ref.version()) + "/" + UUID.randomUUID();
        ModelCopyManager copies = new ModelCopyManager();
        SpdxDocument doc = new SpdxDocument(store, uri, copies, true);
        doc.setSpecVersion("SPDX-2.3");
        doc.setName(ref.application() + "/" + ref.component() + "@" + ref.version());
        doc.setDataLicense(LicenseInfoFactory.parseSPDXLicenseStringCompatV2(SpdxConstantsCompatV2.SPDX_DATA_LICENSE_ID,
                store, uri, copies));
        String created = now.truncatedTo(ChronoUnit.SECONDS).toString();
        String tool = "Tool: Telltale-" + toolVersion;
        doc.setCreationInfo(doc.createCreationInfo(List.of(tool), created));
        AnyLicenseInfo none = noAssertion(store, uri, copies);
        SpdxPackage root = doc.createPackage("SPDXRef-Component", ref.component(), none, "NOASSERTION", none)
                .setVersionInfo(ref.version()).setDownloadLocation("NOASSERTION").setFilesAnalyzed(false)
                .setSupplier("NOASSERTION").setPrimaryPurpose(Purpose.APPLICATION)
                .setComment("component " + ref.component() + " of application "
                        + ref.application())
                .build();
        doc.getDocumentDescribes().add(root);
        Set<String> ids = new HashSet<>();
        for (Entry e : entries) {
            root.addRelationship(doc.createRelationship(pkg(doc, store, uri, copies, e, ids), RelationshipType.CONTAINS,
                    null));
        }
        for (Inventory.RuntimeFact f : facts) {
            Annotation a = doc.createAnnotation(tool, AnnotationType.OTHER, created,
                    "runtime " + f.kind() + ": " + CycloneDxWriter.describe(f));
            doc.addAnnotation(a);
        }
        return doc;
    }

    private static SpdxPackage pkg(SpdxDocument doc, InMemSpdxStore store, String uri, ModelCopyManager copies, Entry e,
                                   Set<String> ids) throws InvalidSPDXAnalysisException {
        String base = "SPDXRef-Package-" + (e.qualifiedName() + e.version().map(v -> "-" + v).orElse(""))
                .replaceAll("[^A-Za-z0-9.]+", "-");
        String id = base;
        for (int n = 2; !ids.add(id); n++) {
            id = base + "-" + n;
        }
        AnyLicenseInfo declared = declared(e.licences(), store, uri, copies);
        SpdxPackage.SpdxPackageBuilder b = doc.createPackage(id, e.qualifiedName(), noAssertion(store, uri, copies),
                        "NOASSERTION", declared)
                .setDownloadLocation("NOASSERTION").setFilesAnalyzed(false).setSupplier("NOASSERTION")
                .setPrimaryPurpose(purpose(e.kind())).setComment(comment(e));
        e.version().ifPresent(b::setVersionInfo);
        if (!e.licences().isEmpty() && declared.toString().equals("NOASSERTION")) {
            b.setLicenseComments("declared: " + String.join("; ", e.licences()));
        }
        for (var h : e.hashes().entrySet()) {
            Optional<ChecksumAlgorithm> alg = algorithm(h.getKey());
            if (alg.isPresent()) {
                b.addChecksum(doc.createChecksum(alg.get(), h.getValue()));
            }
        }
        // SPDX requires a well-formed locator; a scanner's malformed purl stays in the comment only.
        if (e.purl().isPresent() && Purls.parse(e.purl().get()).isPresent()) {
            b.addExternalRef(doc.createExternalRef(ReferenceCategory.PACKAGE_MANAGER,
                    new ReferenceType(SpdxConstantsCompatV2.SPDX_LISTED_REFERENCE_TYPES_PREFIX + "purl"),
                    e.purl().get(), null));
        }
        return b.build();
    }

    /** Listed ids and expressions of them as such; a licence only known by name as NOASSERTION (named in the licence comment). */
    private static AnyLicenseInfo declared(List<String> declaredLicences, InMemSpdxStore store, String uri,
                                           ModelCopyManager copies) throws InvalidSPDXAnalysisException {
        List<String> licences = declaredLicences.stream().map(Licences::modern).toList();
        boolean allSpdx = !licences.isEmpty()
                && licences.stream().allMatch(l -> Licences.isListedId(l) || Licences.isExpression(l));
        if (!allSpdx) {
            return noAssertion(store, uri, copies);
        }
        String expr = String.join(" AND ", licences.stream()
                .map(l -> Licences.isListedId(l) ? Licences.canonicalId(l) : "(" + l + ")").toList());
        return LicenseInfoFactory.parseSPDXLicenseStringCompatV2(expr, store, uri, copies);
    }

    private static AnyLicenseInfo noAssertion(InMemSpdxStore store, String uri, ModelCopyManager copies)
            throws InvalidSPDXAnalysisException {
        return LicenseInfoFactory.parseSPDXLicenseStringCompatV2("NOASSERTION", store, uri, copies);
    }

    /**
     * The JSON store writes {@code primaryPackagePurpose} with the enum's Java name
     * ({@code OPERATING_SYSTEM}) where the SPDX 2.3 JSON schema spells it {@code OPERATING-SYSTEM}.
     */
    private static byte[] schemaPurposes(byte[] json) throws IOException {
        ObjectNode doc = (ObjectNode) MAPPER.readTree(json);
        for (JsonNode p : doc.path("packages")) {
            JsonNode purpose = p.get("primaryPackagePurpose");
            if (purpose != null && purpose.isTextual()) {
                ((ObjectNode) p).put("primaryPackagePurpose", purpose.asText().replace('_', '-'));
            }
        }
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    }

    private static Purpose purpose(String kind) {
        return switch (kind) {
            case "operating-system" -> Purpose.OPERATING_SYSTEM;
            case "application" -> Purpose.APPLICATION;
            case "framework" -> Purpose.FRAMEWORK;
            case "container" -> Purpose.CONTAINER;
            case "firmware" -> Purpose.FIRMWARE;
            case "file" -> Purpose.FILE;
            default -> Purpose.LIBRARY;
        };
    }

    private static String comment(Entry e) {
        StringBuilder s = new StringBuilder("telltale:source=").append(e.source());
        e.purl().filter(p -> Purls.parse(p).isEmpty()).ifPresent(p -> s.append("; purl (not valid)=").append(p));
        s.append("; telltale:loaded=").append(e.loaded());
        e.runtime().ifPresent(p -> {
            p.firstLoaded().ifPresent(t -> s.append("; telltale:firstLoaded=").append(t));
            p.lastLoaded().ifPresent(t -> s.append("; telltale:lastLoaded=").append(t));
            if (!p.loadedBy().isEmpty()) {
                s.append("; telltale:loadedBy=").append(String.join(",", p.loadedBy()));
            }
            if (!p.files().isEmpty()) {
                s.append("; telltale:files=").append(String.join(",", p.files()));
            }
        });
        return s.toString();
    }

    static Optional<ChecksumAlgorithm> algorithm(String name) {
        String n = name.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            if (a != ChecksumAlgorithm.MISSING && a.name().replace("_", "").equals(n)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
