package dev.telltale.alerts;

import dev.telltale.Main;
import dev.telltale.config.ConfigException;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertsConfigTest {

    private static Config load(Path dir, String alertsYaml) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "telltale:\n  alerts:\n" + alertsYaml);
        return Main.load(new String[]{"--config", file.toString()}).get("telltale.alerts");
    }

    @Test
    void defaultsComeFromTheBuiltInConfiguration(@TempDir Path dir) throws Exception {
        AlertsConfig c = AlertsConfig.from(load(dir, "    sweep-interval: PT10S\n"));
        assertEquals(Duration.ofHours(24), c.fixedAfter());
        assertEquals(Duration.ofSeconds(10), c.sweepInterval());
        assertEquals(Duration.ofDays(365), c.maxRiskAcceptance());
        assertEquals(AlertsConfig.defaults().fixedAfter(), c.fixedAfter());
    }

    @Test
    void badValuesNameTheirKey(@TempDir Path dir) throws Exception {
        for (String[] bad : new String[][]{{"fixed-after", "PT1S"}, {"sweep-interval", "PT0S"},
                {"max-risk-acceptance", "PT1H"}}) {
            Config node = load(dir, "    " + bad[0] + ": " + bad[1] + "\n");
            ConfigException e = assertThrows(ConfigException.class, () -> AlertsConfig.from(node));
            assertTrue(e.getMessage().contains("telltale.alerts." + bad[0]), e.getMessage());
        }
    }
}
