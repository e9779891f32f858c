package dev.telltale.sbom.export;

import org.spdx.library.LicenseInfoFactory;
import org.spdx.library.SpdxModelFactory;

import java.util.regex.Pattern;

/** SPDX licence ids and expressions, decided by the SPDX library's own (offline) licence list. */
final class Licences {
    /** Operators and parentheses of an SPDX expression; an expression needs at least one. */
    private static final Pattern OPERATOR = Pattern.compile("\\s(AND|OR|WITH)\\s|\\+$");

    static {
        // The appliance is often air-gapped: never fetch the licence list from the internet
        // (the library also reads these from the resources/spdx-java-library.properties we ship).
        System.setProperty("org.spdx.useJARLicenseInfoOnly", "true");
        System.setProperty("SPDXParser.OnlyUseLocalLicenses", "true");
        SpdxModelFactory.init();
    }

    /** CycloneDX's own copy of the SPDX ids (its schema's enum), by lower-case id; it may lag the SPDX library's list. */
    private static final java.util.Map<String, String> CYCLONEDX_IDS = cycloneDxIds();

    private Licences() {
    }

    private static java.util.Map<String, String> cycloneDxIds() {
        try (java.io.InputStream in = org.cyclonedx.CycloneDxSchema.class.getResourceAsStream("/spdx.schema.json")) {
            if (in == null) {
                return java.util.Map.of();
            }
            java.util.Map<String, String> out = new java.util.HashMap<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(in).path("enum")
                    .forEach(n -> out.put(n.asText().toLowerCase(java.util.Locale.ROOT), n.asText()));
            return java.util.Map.copyOf(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read CycloneDX's SPDX licence ids", e);
        }
    }

    /** The id as CycloneDX's schema spells it, when its schema accepts it as a licence id. */
    static java.util.Optional<String> cycloneDxId(String s) {
        return s == null ? java.util.Optional.empty()
                : java.util.Optional.ofNullable(CYCLONEDX_IDS.get(s.strip().toLowerCase(java.util.Locale.ROOT)));
    }

    /** Forces the library's one-time start-up (licence list, model registry). */
    static void init() {
    }

    private static final Pattern GNU = Pattern.compile("((?:A|L)?GPL|GFDL)-([0-9.]+)(\\+?)");

    /**
     * The current spelling of a GNU licence as packages often declare it: Debian's {@code LGPL-2.1+}
     * is {@code LGPL-2.1-or-later}, a bare {@code GPL-2.0} is {@code GPL-2.0-only} (the bare ids are
     * deprecated in the SPDX list, and SPDX documents that use them do not verify). Other strings
     * come back unchanged.
     */
    static String modern(String s) {
        if (s == null) {
            return null;
        }
        java.util.regex.Matcher m = GNU.matcher(s.strip());
        if (!m.matches()) {
            return s;
        }
        String id = m.group(1) + "-" + m.group(2) + (m.group(3).isEmpty() ? "-only" : "-or-later");
        return isListedId(id) ? canonicalId(id) : s;
    }

    static boolean isListedId(String s) {
        return s != null && !s.isBlank() && LicenseInfoFactory.listedLicenseIdCaseSensitive(s.strip()).isPresent();
    }

    /** The id as the licence list spells it ({@code apache-2.0} → {@code Apache-2.0}). */
    static String canonicalId(String s) {
        return LicenseInfoFactory.listedLicenseIdCaseSensitive(s.strip()).orElse(s.strip());
    }

    /**
     * Whether {@code s} is a compound SPDX expression of listed licences and exceptions
     * ({@code MIT OR Apache-2.0}, {@code GPL-2.0-only WITH Classpath-exception-2.0}), checked
     * token by token so that nothing is added to the library's shared model store.
     */
    static boolean isExpression(String s) {
        if (s == null || !OPERATOR.matcher(s.strip()).find()) {
            return false;
        }
        String[] tokens = s.replace("(", " ").replace(")", " ").strip().split("\\s+");
        boolean afterWith = false;
        for (String t : tokens) {
            if (t.equals("AND") || t.equals("OR")) {
                afterWith = false;
            } else if (t.equals("WITH")) {
                afterWith = true;
            } else if (afterWith ? !LicenseInfoFactory.isSpdxListedExceptionId(t)
                    : !isListedId(t.endsWith("+") ? t.substring(0, t.length() - 1) : t)) {
                return false;
            }
        }
        return true;
    }
}
