package dev.telltale.upgrade;

import org.apache.lucene.util.Version;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pre-flight's index format rule: a release reads the index of its own Lucene major and the one before. */
class PreparationTest {
    private static final int OURS = Version.LATEST.major;

    @Test
    void releasesThatCanReadTheIndexPass() {
        assertDoesNotThrow(() -> Preparation.checkIndexFormat(List.of(jar(OURS))));
        assertDoesNotThrow(() -> Preparation.checkIndexFormat(List.of(jar(OURS + 1))));
        assertDoesNotThrow(() -> Preparation.checkIndexFormat(List.of("release/lib/telltale-server.jar")));
    }

    @Test
    void releasesThatCannotAreRefusedNamingTheWayThrough() {
        UpgradeException tooNew = assertThrows(UpgradeException.class, () -> Preparation.checkIndexFormat(List.of(jar(OURS + 2))));
        assertTrue(tooNew.getMessage().contains("through a release with Lucene " + (OURS + 1)), tooNew.getMessage());
        UpgradeException older = assertThrows(UpgradeException.class, () -> Preparation.checkIndexFormat(List.of(jar(OURS - 1))));
        assertTrue(older.getMessage().contains("older than"), older.getMessage());
    }

    private static String jar(int major) {
        return "release/lib/libs/lucene-core-" + major + ".1.0.jar";
    }
}
