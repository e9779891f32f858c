package dev.telltale.sbom.export;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Licences as Debian packages declare them become ids an SPDX document verifies with. */
class LicencesTest {
    @Test
    void deprecatedGnuIdsAndPlusSuffixesGetTheirCurrentSpelling() {
        assertEquals("LGPL-2.1-or-later", Licences.modern("LGPL-2.1+"));
        assertEquals("GPL-2.0-only", Licences.modern("GPL-2.0"));
        assertEquals("AGPL-3.0-or-later", Licences.modern("AGPL-3.0+"));
        assertEquals("Apache-2.0", Licences.modern("Apache-2.0"));
        assertEquals("curl", Licences.modern("curl"));
        assertEquals("GPL-9.9", Licences.modern("GPL-9.9"), "no such licence: left as it is");
    }
}
