package dev.telltale.sca;

import dev.telltale.sbom.Inventory;
import dev.telltale.vulndb.PackageQuery;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;

import java.util.Optional;

/**
 * The vulnerability database query for an inventory package: advisories of Debian and Alpine
 * name source packages (libssl3 is built from openssl), Maven ones {@code group:artifact}.
 */
final class Queries {
    private Queries() {
    }

    static Optional<PackageQuery> of(Inventory.Package p) {
        if (p.ecosystem().isEmpty() || p.version().isBlank()) {
            return Optional.empty();
        }
        String eco = p.ecosystem().get();
        String name = switch (p.type()) {
            case "os" -> p.sourcePackage().filter(s -> !s.isBlank()).orElse(p.name());
            case "maven" -> mavenName(p.purl()).orElse(p.name());
            default -> p.name();
        };
        return name.isBlank() ? Optional.empty() : Optional.of(new PackageQuery(eco, name, p.version()));
    }

    /** How findings name a package: Maven as {@code group:artifact}, others by their own (binary) name. */
    static String displayName(Inventory.Package p) {
        return p.type().equals("maven") ? mavenName(p.purl()).orElse(p.name()) : p.name();
    }

    /** {@code pkg:maven/org.springframework/spring-core@5.3.17} → {@code org.springframework:spring-core}. */
    static Optional<String> mavenName(String purl) {
        try {
            PackageURL p = new PackageURL(purl);
            return p.getType().equals("maven") && p.getNamespace() != null
                    ? Optional.of(p.getNamespace() + ":" + p.getName()) : Optional.empty();
        } catch (MalformedPackageURLException e) {
            return Optional.empty();
        }
    }
}
