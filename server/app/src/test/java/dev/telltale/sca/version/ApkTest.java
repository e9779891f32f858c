package dev.telltale.sca.version;

import org.junit.jupiter.api.Test;

import static dev.telltale.sca.version.Orders.assertChains;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApkTest {
    private final VersionScheme apk = VersionScheme.forEcosystem("Alpine:v3.19").orElseThrow();

    @Test
    void suffixesRevisionsAndLetters() {
        assertChains(apk,
                "1.0_alpha < 1.0_alpha1 < 1.0_alpha2 < 1.0_beta < 1.0_pre < 1.0_rc1 < 1.0 < 1.0_cvs"
                        + " < 1.0_svn < 1.0_git20240101 < 1.0_hg < 1.0_p1 < 1.0_p10 < 1.0a < 1.0b < 1.0.1",
                "1.0 < 1.0-r0 < 1.0-r1 < 1.0-r10 < 1.0.0 < 1.0.1-r0",
                "1.0~1234 < 1.0~1234-r1 < 1.0~2345-r0",
                "0.1.0_alpha_pre2 < 0.1.0_alpha < 0.1.0_alpha2",
                "6.0_pre1 < 6.0 < 6.0_p1 < 6.1_pre1 < 6.1 < 6.1_p1",
                "1.0_p9-r0 < 1.0_p10-r0");
    }

    @Test
    void ordersAsApkToolsTestData() {
        // pairs from apk-tools' own version test data
        assertChains(apk,
                "0.1.0_alpha < 0.1.3_alpha < 2.34",
                "0.1.0_alpha < 0.1.0_alpha2",
                "1.0.4-r3 < 1.0.4-r4 < 1.6",
                "1.1_alpha1 < 1.1 < 1.2 < 1.2.1",
                "2.3.0b-r1 < 2.3.0b-r2 < 2.3.0b-r4",
                "3.1_p16 < 3.1_p17",
                "1.06-r6 < 006",
                "0.9.28 < 0.9.28.1 < 087-r1 < 103 < 104-r9 < 104-r11",
                "1.2.07.8 < 1.2.12.04 < 1.2.12.05",
                "2.5.1-r8 < 2.5.1a-r1",
                "0.20070118 < 0.20070207_rc1 < 1.0",
                "4.3_p2-r1 < 4.3_p2-r5 < 4.4_p1-r6 < 4.5_p1 < 4.5_p1-r1",
                "1.7 < 1.7b < 1.8.4-r3",
                "1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0",
                "2.9.11_pre20051101 < 2.9.11_pre20051101-r2 < 2.9.11_pre20061021-r1",
                "8.2.0 < 8.2.001",
                "8.2.0015 < 8.2.002",
                "3.0.20060720 < 20060720",
                "2.12r-r4 < 2.12r-r5",
                // real Alpine security fixes
                "3.1.4-r5 < 3.1.4-r6 < 3.1.5-r0",
                "8.5.0-r0 < 8.6.0-r0 < 8.10.1-r0");
    }

    @Test
    void validAsApkToolsSays() {
        for (String v : new String[] {"1.2", "0.1_pre2", "0.1_pre2~1234abcd", "0.1_p1_pre2",
                "0.1_alpha1_pre2", "0.1_git20240101_pre1", "1.2.3-r0", "2.12r-r4"}) {
            assertTrue(apk.valid(v), v);
        }
        for (String v : new String[] {"", "0.1bc", "0.1bc1", "0.1a1", "0.1a.1", "0.1_pre2~",
                "0.1_pre2~1234xbcd", "0.1_pre2~1234abcd_pre1", "0.1_pre2-r1~1234xbcd", "0.1_foobar",
                "0.1_foobar1", "0.1-pre1.1", "0.1-r", "0.1-r2_pre1", "0.1-r2_p3_pre1", "0.1-r2-r3",
                "0.1-r2.1", ".1", "a", "_pre1", "-r1", "0.1_", "0.1_-r0", "0.1__alpha", "0.1_1_alpha",
                "1.0-1", "1.0A", "v1.0", null}) {
            assertFalse(apk.valid(v), String.valueOf(v));
        }
    }
}
