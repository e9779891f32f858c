package dev.telltale.sca.version;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemesTest {

    @Test
    void osvEcosystemsWithTheirReleaseSuffixesMapToTheirScheme() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("Debian", "dpkg"), Map.entry("Debian:12", "dpkg"), Map.entry("Debian:11", "dpkg"),
                Map.entry("Ubuntu", "dpkg"), Map.entry("Ubuntu:22.04:LTS", "dpkg"),
                Map.entry("Ubuntu:Pro:18.04:LTS", "dpkg"),
                Map.entry("Alpine", "apk"), Map.entry("Alpine:v3.19", "apk"), Map.entry("Wolfi", "apk"),
                Map.entry("Red Hat", "rpm"), Map.entry("Red Hat:enterprise_linux:9::appstream", "rpm"),
                Map.entry("Rocky Linux", "rpm"), Map.entry("Rocky Linux:9", "rpm"),
                Map.entry("AlmaLinux", "rpm"), Map.entry("AlmaLinux:8", "rpm"), Map.entry("SUSE", "rpm"),
                Map.entry("Maven", "maven"), Map.entry("Maven:https://repo.maven.apache.org/maven2/", "maven"),
                Map.entry("PyPI", "pep440"), Map.entry("npm", "semver"), Map.entry("Go", "semver"),
                Map.entry("crates.io", "semver"));
        expected.forEach((ecosystem, scheme) ->
                assertEquals(scheme, VersionScheme.forEcosystem(ecosystem).orElseThrow().name(), ecosystem));
    }

    @Test
    void everySchemeRefusesToCompareWhatItDoesNotAcceptAndSaysWhich() {
        Map<VersionScheme, String> refused = Map.of(Dpkg.INSTANCE, "a1.0", Apk.INSTANCE, "1.0-1",
                Rpm.INSTANCE, "1.0-", Maven.INSTANCE, "[1.0,2.0)", Pep440.INSTANCE, "1.0+", Semver.INSTANCE, "1.0");
        refused.forEach((scheme, version) -> {
            assertFalse(scheme.valid(version), version);
            assertFalse(scheme.valid(null), scheme.name());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> scheme.compare("1.0.0", version));
            assertEquals("not a valid " + scheme.name() + " version: " + version, e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> scheme.compare(version, "1.0.0"));
            assertThrows(IllegalArgumentException.class, () -> scheme.compare(null, "1.0.0"));
        });
        String longVersion = "1.0" + "x".repeat(500);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Semver.INSTANCE.compare(longVersion, "1.0.0"));
        assertTrue(e.getMessage().length() < 120, "a long version is shortened in the message");
    }

    @Test
    void ecosystemsWithoutAKnownOrderHaveNoScheme() {
        for (String ecosystem : new String[] {"RubyGems", "NuGet", "Packagist", "GIT", "debian", "PYPI",
                "", ":12", " Debian", "Linux"}) {
            assertTrue(VersionScheme.forEcosystem(ecosystem).isEmpty(), ecosystem);
        }
        assertTrue(VersionScheme.forEcosystem(null).isEmpty());
    }
}
