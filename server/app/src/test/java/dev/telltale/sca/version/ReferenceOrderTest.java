package dev.telltale.sca.version;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agreement with each ecosystem's own tool on generated versions: the pairs and results in
 * {@code sca/version/*.tsv} were computed by dpkg, rpm, Python's packaging and node-semver
 * (see make-reference.py beside them), so these tests need none of those tools.
 */
class ReferenceOrderTest {

    @Test
    void dpkgAgreesWithDpkgCompareVersions() throws IOException {
        assertAgrees(Dpkg.INSTANCE, "dpkg-reference.tsv");
    }

    @Test
    void rpmAgreesWithRpmVercmp() throws IOException {
        assertAgrees(Rpm.INSTANCE, "rpm-reference.tsv");
    }

    @Test
    void pep440AgreesWithPackaging() throws IOException {
        assertAgrees(Pep440.INSTANCE, "pep440-reference.tsv");
        List<String[]> rows = rows("pep440-validity.tsv");
        for (String[] row : rows) {
            assertEquals(Boolean.parseBoolean(row[1]), Pep440.INSTANCE.valid(row[0]), "valid(" + row[0] + ")");
        }
        assertTrue(rows.stream().anyMatch(r -> r[1].equals("false")) && rows.stream().anyMatch(r -> r[1].equals("true")));
    }

    @Test
    void semverAgreesWithNodeSemver() throws IOException {
        assertAgrees(Semver.INSTANCE, "semver-reference.tsv");
    }

    private static void assertAgrees(VersionScheme scheme, String file) throws IOException {
        List<String[]> rows = rows(file);
        assertTrue(rows.size() > 600, file + " has " + rows.size() + " rows");
        for (String[] row : rows) {
            assertTrue(scheme.valid(row[0]) && scheme.valid(row[1]), row[0] + " or " + row[1] + " refused");
            assertEquals(Integer.parseInt(row[2]), scheme.compare(row[0], row[1]), row[0] + " vs " + row[1]);
            assertEquals(-Integer.parseInt(row[2]), scheme.compare(row[1], row[0]), row[1] + " vs " + row[0]);
        }
    }

    private static List<String[]> rows(String file) throws IOException {
        InputStream in = ReferenceOrderTest.class.getResourceAsStream("/sca/version/" + file);
        assertNotNull(in, file);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().filter(line -> !line.startsWith("#") && !line.isEmpty())
                    .map(line -> line.split("\t", -1)).toList();
        }
    }
}
