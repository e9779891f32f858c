package dev.telltale.sbom.export;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;

import java.util.Optional;

/** Package URLs: parsing and the form used to match one SBOM's component to another's. */
final class Purls {
    private Purls() {
    }

    record Parts(String type, Optional<String> namespace, String name, Optional<String> version) {
    }

    static Optional<Parts> parse(String purl) {
        if (purl == null || purl.isBlank()) {
            return Optional.empty();
        }
        try {
            PackageURL p = new PackageURL(purl);
            return Optional.of(new Parts(p.getType(), Optional.ofNullable(p.getNamespace()), p.getName(),
                    Optional.ofNullable(p.getVersion())));
        } catch (MalformedPackageURLException e) {
            return Optional.empty();
        }
    }

    /**
     * The package URL without qualifiers and subpath (scanners differ on {@code ?type=jar},
     * {@code ?arch=amd64&distro=debian-12}), canonicalised when it parses.
     */
    static String matchKey(String purl) {
        String s = purl.strip();
        try {
            PackageURL p = new PackageURL(s);
            return new PackageURL(p.getType(), p.getNamespace(), p.getName(), p.getVersion(), null, null).canonicalize();
        } catch (MalformedPackageURLException e) {
            int cut = s.length();
            for (char c : new char[]{'?', '#'}) {
                int i = s.indexOf(c);
                if (i >= 0) {
                    cut = Math.min(cut, i);
                }
            }
            return s.substring(0, cut);
        }
    }
}
