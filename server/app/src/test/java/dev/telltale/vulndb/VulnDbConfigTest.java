package dev.telltale.vulndb;

import dev.telltale.Main;
import dev.telltale.config.ConfigException;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VulnDbConfigTest {

    private static Config load(Path dir, String yaml) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "telltale:\n  vulndb:\n" + yaml);
        return Main.load(new String[]{"--config", file.toString()}).get("telltale.vulndb");
    }

    @Test
    void theBuiltInConfigurationMatchesTheDefaults(@TempDir Path dir) throws Exception {
        VulnDbConfig c = VulnDbConfig.from(load(dir, "    import-dir: " + dir + "\n"));
        VulnDbConfig d = VulnDbConfig.defaults();
        assertEquals(d.maxArchiveBytes(), c.maxArchiveBytes());
        assertEquals(d.maxEntries(), c.maxEntries());
        assertEquals(d.maxUncompressedBytes(), c.maxUncompressedBytes());
        assertEquals(d.maxRecordBytes(), c.maxRecordBytes());
        assertEquals(d.queuedImports(), c.queuedImports());
        assertEquals(Optional.of(dir.toAbsolutePath().normalize()), c.importDir());
        assertEquals(Optional.empty(), VulnDbConfig.from(load(dir, "    queued-imports: 3\n")).importDir());
    }

    @Test
    void badValuesNameTheirKey(@TempDir Path dir) throws Exception {
        for (String[] bad : new String[][]{{"max-archive-bytes", "10"}, {"max-entries", "0"},
                {"max-uncompressed-bytes", "-1"}, {"max-record-bytes", "999999999999"}, {"queued-imports", "0"},
                {"max-entries", "many"}}) {
            Config node = load(dir, "    " + bad[0] + ": " + bad[1] + "\n");
            ConfigException e = assertThrows(ConfigException.class, () -> VulnDbConfig.from(node));
            assertTrue(e.getMessage().contains("telltale.vulndb." + bad[0]), e.getMessage());
        }
    }
}
