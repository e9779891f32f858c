package dev.telltale.sbom.export;

import dev.telltale.sbom.Inventory;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.Service;
import org.cyclonedx.model.license.Expression;
import org.cyclonedx.model.metadata.ToolInformation;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes CycloneDX 1.6 with the official library's model and generators. The runtime facts go
 * where CycloneDX has a place for them: listening endpoints as {@code services}, processes and
 * outbound connections as metadata properties in the {@code telltale:} namespace (the library's
 * XML writer fails on BOM-level properties), and per component whether, when and by what it was
 * loaded.
 */
final class CycloneDxWriter {
    private static final Version VERSION = Version.VERSION_16;

    private CycloneDxWriter() {
    }

    static byte[] json(Bom bom) {
        try {
            return BomGeneratorFactory.createJson(VERSION, bom).toJsonString().getBytes(StandardCharsets.UTF_8);
        } catch (GeneratorException e) {
            throw new IllegalStateException("cannot write CycloneDX JSON", e);
        }
    }

    static byte[] xml(Bom bom) {
        try {
            return BomGeneratorFactory.createXml(VERSION, bom).toXmlString().getBytes(StandardCharsets.UTF_8);
        } catch (GeneratorException e) {
            throw new IllegalStateException("cannot write CycloneDX XML", e);
        }
    }

    static Bom bom(Inventory.VersionRef ref, List<Entry> entries, List<Inventory.RuntimeFact> facts, Instant now,
                   String toolVersion) {
        Bom bom = new Bom();
        bom.setSerialNumber("urn:uuid:" + UUID.randomUUID());
        bom.setMetadata(metadata(ref, now, toolVersion));
        String root = bom.getMetadata().getComponent().getBomRef();
        List<String> refs = bomRefs(entries);
        List<Component> components = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            components.add(component(entries.get(i), refs.get(i)));
        }
        bom.setComponents(components);
        bom.setDependencies(dependencies(root, entries, refs));
        List<Service> services = new ArrayList<>();
        Set<String> serviceRefs = new HashSet<>();
        for (Inventory.RuntimeFact f : facts) {
            switch (f.kind()) {
                case "listen" -> services.add(listener(f, unique("telltale:listen:" + f.detail(), serviceRefs)));
                case "process" -> bom.getMetadata().addProperty(new Property("telltale:process", describe(f)));
                case "connect" -> bom.getMetadata().addProperty(new Property("telltale:connection", describe(f)));
                default -> bom.getMetadata().addProperty(new Property("telltale:" + f.kind(), describe(f)));
            }
        }
        if (!services.isEmpty()) {
            bom.setServices(services);
        }
        return bom;
    }

    private static Metadata metadata(Inventory.VersionRef ref, Instant now, String toolVersion) {
        Metadata m = new Metadata();
        m.setTimestamp(Date.from(now));
        Component tool = new Component();
        tool.setType(Component.Type.APPLICATION);
        tool.setName("Telltale");
        tool.setVersion(toolVersion);
        ToolInformation tools = new ToolInformation();
        tools.setComponents(List.of(tool));
        m.setToolChoice(tools);
        Component app = new Component();
        app.setType(Component.Type.APPLICATION);
        app.setBomRef("telltale:" + ref.application() + "/" + ref.component() + "@" + ref.version());
        app.setGroup(ref.application());
        app.setName(ref.component());
        app.setVersion(ref.version());
        m.setComponent(app);
        m.addProperty(new Property("telltale:application", ref.application()));
        m.addProperty(new Property("telltale:component", ref.component()));
        return m;
    }

    /** Package URLs where they are unique, else a made-up reference: bom-refs must be unique in a BOM. */
    private static List<String> bomRefs(List<Entry> entries) {
        List<String> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Entry e : entries) {
            out.add(unique(e.purl().orElse("telltale:" + e.kind() + ":" + e.name() + e.version().map(v -> "@" + v)
                    .orElse("")), used));
        }
        return out;
    }

    private static String unique(String base, Set<String> used) {
        String ref = base;
        for (int n = 2; !used.add(ref); n++) {
            ref = base + "#" + n;
        }
        return ref;
    }

    private static Component component(Entry e, String ref) {
        Component c = new Component();
        c.setType(type(e.kind()));
        c.setBomRef(ref);
        e.group().ifPresent(c::setGroup);
        c.setName(e.name());
        e.version().ifPresent(c::setVersion);
        e.purl().ifPresent(c::setPurl);
        licences(e.licences()).ifPresent(c::setLicenses);
        List<Hash> hashes = new ArrayList<>();
        e.hashes().forEach((alg, hex) -> algorithm(alg).ifPresent(a -> hashes.add(new Hash(a, hex))));
        if (!hashes.isEmpty()) {
            c.setHashes(hashes);
        }
        properties(e).forEach(c::addProperty);
        return c;
    }

    private static List<Property> properties(Entry e) {
        List<Property> out = new ArrayList<>();
        out.add(new Property("telltale:source", e.source()));
        if (e.kind().equals("operating-system")) {
            return out;
        }
        out.add(new Property("telltale:loaded", String.valueOf(e.loaded())));
        e.ecosystem().ifPresent(x -> out.add(new Property("telltale:ecosystem", x)));
        e.runtime().ifPresent(p -> {
            p.firstLoaded().ifPresent(t -> out.add(new Property("telltale:firstLoaded", t.toString())));
            p.lastLoaded().ifPresent(t -> out.add(new Property("telltale:lastLoaded", t.toString())));
            p.loadedBy().forEach(x -> out.add(new Property("telltale:loadedBy", x)));
            p.files().forEach(x -> out.add(new Property("telltale:files", x)));
            p.sourcePackage().ifPresent(x -> out.add(new Property("telltale:sourcePackage", x)));
        });
        return out;
    }

    private static Component.Type type(String kind) {
        for (Component.Type t : Component.Type.values()) {
            if (t.getTypeName().equals(kind)) {
                return t;
            }
        }
        return Component.Type.LIBRARY;
    }

    /** SPDX ids as ids, a single SPDX expression as an expression, anything else as a name. */
    static java.util.Optional<LicenseChoice> licences(List<String> licences) {
        if (licences.isEmpty()) {
            return java.util.Optional.empty();
        }
        LicenseChoice choice = new LicenseChoice();
        if (licences.size() == 1 && !Licences.isListedId(licences.get(0)) && Licences.isExpression(licences.get(0))) {
            choice.setExpression(new Expression(licences.get(0)));
            return java.util.Optional.of(choice);
        }
        for (String l : licences) {
            License lic = new License();
            // An id the schema's enum does not know yet would make the whole BOM invalid: a name then.
            java.util.Optional<String> id = Licences.cycloneDxId(Licences.modern(l));
            if (id.isPresent()) {
                lic.setId(id.get());
            } else {
                lic.setName(l);
            }
            choice.addLicense(lic);
        }
        return java.util.Optional.of(choice);
    }

    static java.util.Optional<Hash.Algorithm> algorithm(String name) {
        String n = name.toUpperCase(Locale.ROOT).replace("_", "-");
        for (Hash.Algorithm a : Hash.Algorithm.values()) {
            if (a.getSpec().equals(n) || a.getSpec().replace("-", "").equals(n.replace("-", ""))) {
                return java.util.Optional.of(a);
            }
        }
        return java.util.Optional.empty();
    }

    private static List<Dependency> dependencies(String root, List<Entry> entries, List<String> refs) {
        Dependency top = new Dependency(root);
        Map<String, Dependency> systems = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.kind().equals("operating-system")) {
                Dependency d = new Dependency(refs.get(i));
                e.ecosystem().ifPresent(x -> systems.put(x, d));
                top.addDependency(new Dependency(refs.get(i)));
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.kind().equals("operating-system")) {
                continue;
            }
            boolean osPackage = e.runtime().map(p -> p.type().equals("os")).orElse(false);
            Dependency os = osPackage ? e.ecosystem().map(systems::get).orElse(null) : null;
            (os != null ? os : top).addDependency(new Dependency(refs.get(i)));
        }
        List<Dependency> out = new ArrayList<>();
        out.add(top);
        out.addAll(systems.values());
        return out;
    }

    private static Service listener(Inventory.RuntimeFact f, String ref) {
        Service s = new Service();
        s.setBomRef(ref);
        s.setName("listener " + f.detail());
        s.setDescription("accepted connections at run time on " + f.detail());
        s.setEndpoints(List.of("tcp://" + f.detail()));
        s.addProperty(new Property("telltale:count", String.valueOf(f.count())));
        s.addProperty(new Property("telltale:firstSeen", f.firstSeen().toString()));
        s.addProperty(new Property("telltale:lastSeen", f.lastSeen().toString()));
        return s;
    }

    /** {@code detail; count=N; firstSeen=…; lastSeen=…}: one property per fact, readable and parseable. */
    static String describe(Inventory.RuntimeFact f) {
        return f.detail() + "; count=" + f.count() + "; firstSeen=" + f.firstSeen() + "; lastSeen=" + f.lastSeen();
    }
}
