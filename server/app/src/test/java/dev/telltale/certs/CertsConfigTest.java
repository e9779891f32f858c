package dev.telltale.certs;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertsConfigTest {

    @Test
    void theTransitionLastsFourteenDaysUnlessConfigured() {
        assertEquals(14, CertsConfig.from(Config.create(ConfigSources.create(Map.of("x", "y"))).get("certs")).transitionDays());
        Config c = Config.just(ConfigSources.create(Map.of("certs.transition-days", "0")));
        assertEquals(0, CertsConfig.from(c.get("certs")).transitionDays());
    }

    @Test
    void anOutOfRangeTransitionNamesItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> new CertsConfig(List.of(), 825, 400));
        assertTrue(e.getMessage().contains("telltale.certs.transition-days"), e.getMessage());
    }
}
