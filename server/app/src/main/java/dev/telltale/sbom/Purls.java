package dev.telltale.sbom;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/** Package URLs (purl spec): building them with the spec's percent-encoding, and reading their type. */
final class Purls {
    private Purls() {
    }

    /** {@code pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12}, qualifiers sorted by key. */
    static String os(Distro distro, String manager, String name, String version, String arch) {
        StringBuilder b = new StringBuilder("pkg:").append(Distro.purlType(manager)).append('/')
                .append(encode(distro.purlNamespace())).append('/').append(encode(name));
        if (!version.isEmpty()) {
            b.append('@').append(encode(version));
        }
        char sep = '?';
        if (arch != null && !arch.isEmpty()) {
            b.append(sep).append("arch=").append(encode(arch));
            sep = '&';
        }
        Optional<String> d = distro.purlDistro();
        if (d.isPresent()) {
            b.append(sep).append("distro=").append(encode(d.get()));
        }
        return b.toString();
    }

    /**
     * A language package's purl: {@code python}/{@code pypi} → {@code pkg:pypi/} with the name
     * normalised as PEP 503 says, {@code node}/{@code npm} → {@code pkg:npm/} ({@code %40scope/name}),
     * {@code java}/{@code maven} with a {@code group:artifact} name → {@code pkg:maven/group/artifact};
     * empty for other languages or a missing name or version.
     */
    static Optional<String> language(String language, String name, String version) {
        if (name.isEmpty() || version.isEmpty()) {
            return Optional.empty();
        }
        String v = "@" + encode(version);
        return switch (language.toLowerCase(Locale.ROOT)) {
            case "python", "pypi" -> Optional.of("pkg:pypi/" + encode(name.toLowerCase(Locale.ROOT)
                    .replaceAll("[-_.]+", "-")) + v);
            case "node", "javascript", "npm" -> Optional.of("pkg:npm/" + (name.startsWith("@") && name.contains("/")
                    ? "%40" + encode(name.substring(1, name.indexOf('/'))) + "/" + encode(name.substring(name.indexOf('/') + 1))
                    : encode(name)) + v);
            case "java", "maven" -> name.indexOf(':') > 0 ? Optional.of("pkg:maven/" + encode(name.substring(0,
                    name.indexOf(':'))) + "/" + encode(name.substring(name.indexOf(':') + 1)) + v) : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** The OSV ecosystem of a language package manager's packages ({@code pypi} → PyPI, {@code npm} → npm). */
    static Optional<String> languageEcosystem(String manager) {
        return switch (manager) {
            case "pypi" -> Optional.of("PyPI");
            case "npm" -> Optional.of("npm");
            default -> Optional.empty();
        };
    }

    /** A file no package claims: {@code pkg:generic/libfoo.so.1?checksum=sha256:…}. */
    static String generic(String fileName, Optional<String> sha256) {
        String p = "pkg:generic/" + encode(fileName);
        return sha256.map(h -> p + "?checksum=sha256:" + h).orElse(p);
    }

    /** The purl's type ({@code maven}, {@code pypi}, {@code npm}, …) in lower case; empty when it is no purl. */
    static Optional<String> type(String purl) {
        if (purl == null || !purl.startsWith("pkg:")) {
            return Optional.empty();
        }
        int slash = purl.indexOf('/', 4);
        return slash <= 4 ? Optional.empty() : Optional.of(purl.substring(4, slash).toLowerCase(Locale.ROOT));
    }

    /** Percent-encodes all but the characters the purl spec leaves as they are. */
    static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || c == '~' || c == ':') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
