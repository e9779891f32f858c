package dev.telltale.vulndb;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Package names and ecosystems in one comparable form, as package URLs normalise them: PyPI names
 * by PEP 503 (lower case, runs of {@code -_.} as one {@code -}), npm, Debian, Ubuntu and Alpine
 * names in lower case (they are source package names there), Maven {@code group:artifact}, Go module
 * paths and RPM names as written (they are case-sensitive).
 */
final class PackageNames {
    private static final Pattern PEP503 = Pattern.compile("[-_.]+");

    private PackageNames() {
    }

    /** The ecosystem's family: the part before the first {@code :} in lower case ({@code debian} for {@code Debian:12}). */
    static String family(String ecosystem) {
        int colon = ecosystem.indexOf(':');
        return (colon < 0 ? ecosystem : ecosystem.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    }

    /** The release after the family, without a leading {@code v} and later qualifiers ({@code 22.04} for {@code Ubuntu:22.04:LTS}); empty if none. */
    static String release(String ecosystem) {
        String[] parts = ecosystem.split(":");
        if (parts.length < 2) {
            return "";
        }
        String r = parts[1].trim().toLowerCase(Locale.ROOT);
        return r.startsWith("v") ? r.substring(1) : r;
    }

    /** Whether an advisory for {@code advisoryEcosystem} concerns a package of {@code queryEcosystem}: same family, and same release when both name one. */
    static boolean sameEcosystem(String advisoryEcosystem, String queryEcosystem) {
        if (!family(advisoryEcosystem).equals(family(queryEcosystem))) {
            return false;
        }
        String a = release(advisoryEcosystem);
        String q = release(queryEcosystem);
        return a.isEmpty() || q.isEmpty() || a.equals(q);
    }

    static String normalise(String ecosystem, String name) {
        String n = name.trim();
        return switch (family(ecosystem)) {
            case "pypi" -> PEP503.matcher(n.toLowerCase(Locale.ROOT)).replaceAll("-");
            case "npm", "debian", "ubuntu", "alpine" -> n.toLowerCase(Locale.ROOT);
            case "maven" -> n.replace('/', ':');
            default -> n;
        };
    }

    /** The index key of a package: family and normalised name. */
    static String key(String ecosystem, String name) {
        return family(ecosystem) + '\u0000' + normalise(ecosystem, name);
    }
}
