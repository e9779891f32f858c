package dev.telltale.config;

import dev.telltale.Main;
import dev.telltale.ingest.IngestConfig;
import dev.telltale.store.StoreConfig;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoadingTest {

    @Test
    void flagsOverrideTheFileWhichOverridesDefaults(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "telltale:\n  ingest:\n    port: 9999\n    max-batch-events: 77\n  store:\n    retention: P7D\n");
        Config c = Main.load(new String[]{"--config", file.toString(), "--ingest-port", "1234", "--data", "/srv/tt"});
        IngestConfig ingest = IngestConfig.from(c.get("telltale.ingest"));
        assertEquals(1234, ingest.port(), "flag wins over the file");
        assertEquals(77, ingest.maxBatchEvents(), "file wins over the defaults");
        assertEquals(Duration.ofSeconds(10), ingest.helloTimeout(), "defaults fill the rest");
        assertEquals(Duration.ofDays(7), StoreConfig.from(c.get("telltale.store")).retention());
        assertEquals("/srv/tt", c.get("telltale.data-dir").asString().get());
    }

    @Test
    void badValuesNameTheirKey(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "telltale:\n  store:\n    ram-buffer-mb: 4\n");
        Config c = Main.load(new String[]{"--config", file.toString()});
        ConfigException e = assertThrows(ConfigException.class, () -> StoreConfig.from(c.get("telltale.store")));
        assertTrue(e.getMessage().contains("telltale.store.ram-buffer-mb"), e.getMessage());
        IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
                () -> Main.load(new String[]{"--https-port", "70000"}));
        assertTrue(flag.getMessage().contains("--https-port"));
        assertThrows(IllegalArgumentException.class, () -> Main.load(new String[]{"--bogus", "1"}));
    }

    /** Environment variables can only be set for a new process. */
    @Test
    void environmentVariablesOverrideTheFile() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                PrintConfig.class.getName(), "telltale.store.commit-interval", "telltale.ingest.port");
        pb.environment().put("TELLTALE_STORE_COMMIT__INTERVAL", "PT3S");
        pb.environment().put("TELLTALE_INGEST_PORT", "4321");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.endsWith("PT3S 4321"), out);
    }

    /** Prints configuration values as the appliance would see them. */
    public static final class PrintConfig {
        public static void main(String[] keys) {
            Config c = Main.load(new String[0]);
            StringBuilder sb = new StringBuilder();
            for (String k : keys) {
                sb.append(c.get(k).asString().orElse("?")).append(' ');
            }
            System.out.println(sb.toString().trim());
        }
    }
}
