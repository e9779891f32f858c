package dev.telltale.sca.version;

import org.junit.jupiter.api.Test;

import static dev.telltale.sca.version.Orders.assertChains;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Pep440Test {
    private final VersionScheme pep440 = VersionScheme.forEcosystem("PyPI").orElseThrow();

    static final String[] CHAINS = {
        "1.0.dev0 < 1.0a1 < 1.0b1 < 1.0rc1 < 1.0 < 1.0.post1",
        // the summary ordering of PEP 440 ("Summary of permitted suffixes and relative ordering")
        "1.dev0 < 1.0.dev456 < 1.0a1 < 1.0a2.dev456 < 1.0a12.dev456 < 1.0a12 < 1.0b1.dev456 < 1.0b2"
                + " < 1.0b2.post345.dev456 < 1.0b2.post345 < 1.0rc1.dev456 < 1.0rc1 < 1.0 < 1.0+abc.5"
                + " < 1.0+abc.7 < 1.0+5 < 1.0.post456.dev34 < 1.0.post456 < 1.0.15 < 1.1.dev1",
        // epochs, trailing zeros
        "2.0 < 2013.10 < 1!1.0 == 1!1.0.0 < 1!2.0 < 2!0.1",
        "1 == 1.0 == 1.0.0 == 0!1.0 == v1.0 == V1.0 == 1.0.0.0",
        // alternative spellings normalised
        "1.0a1 == 1.0alpha1 == 1.0-a1 == 1.0.a.1 == 1.0_ALPHA_1 == 1.0-alpha-1"
                + " < 1.0b1 == 1.0beta1 == 1.0.b1"
                + " < 1.0rc1 == 1.0c1 == 1.0pre1 == 1.0preview1 == 1.0-RC-1",
        "1.0rc == 1.0rc0 < 1.0rc1",
        "1.0 < 1.0-1 == 1.0post1 == 1.0.post1 == 1.0-r1 == 1.0rev1 == 1.0_post_1 < 1.0.post2",
        "1.0dev == 1.0.dev0 == 1.0-dev0 < 1.0.dev1",
        "1.0+ubuntu-1 == 1.0+ubuntu.1 == 1.0+UBUNTU_1 < 1.0+ubuntu.2 < 1.0+ubuntu.10 < 1.0.1",
        "1.0+abc < 1.0+abc.1 < 1.0+1 == 1.0+01",
        // real fixed versions from advisories
        "2.2.28 < 3.2.10 < 3.2.11 < 4.0 < 4.0.1",
        "1.26.17 < 1.26.18 < 2.0.0a1 < 2.0.0 < 2.0.7",
        "41.0.3 < 41.0.4 < 42.0.0",
        "23.0 < 23.1 < 23.3",
    };

    @Test
    void ordersAsPep440() {
        assertChains(pep440, CHAINS);
    }

    @Test
    void refusesWhatPackagingRefuses() {
        for (String v : new String[] {" 1.0 ", "1.0.post", "1!2.0a1.post2.dev3+local.7", "2013.10.14"}) {
            assertTrue(pep440.valid(v), v);
        }
        for (String v : new String[] {"", "1.0-", "1.0.", "1..0", "foo", "1.0+", "1.0+ubuntu..1", "1.0a1b1",
                "1.0 beta", "!1.0", "1!", "1.0-dev-1-", "1.0+é", "1.0.x", "french toast", null}) {
            assertFalse(pep440.valid(v), String.valueOf(v));
        }
    }
}
