package dev.telltale;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.logging.common.LogConfig;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the appliance: {@code java -jar telltale-server.jar [--data DIR] [--https-port N]
 * [--ingest-port N] [--config FILE]}. Flags override environment variables, which override
 * the configuration file, which overrides the built-in {@code application.yaml}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        int restoreAt = java.util.Arrays.asList(args).indexOf("restore");
        if (restoreAt >= 0) {
            System.exit(restore(java.util.Arrays.copyOfRange(args, 0, restoreAt),
                    java.util.Arrays.copyOfRange(args, restoreAt + 1, args.length)));
            return;
        }
        Config config;
        try {
            config = load(args);
        } catch (IllegalArgumentException e) {
            System.err.println("telltale: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try {
            Appliance appliance = Appliance.start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(appliance::close, "telltale-shutdown"));
        } catch (ConfigException e) {
            System.err.println("telltale: " + e.getMessage());
            System.exit(2);
        }
    }

    private static final String USAGE = "usage: telltale-appliance [--data DIR] [--https-port N] [--ingest-port N]"
            + " [--config FILE] [restore ARCHIVE [--force]]";

    /**
     * {@code [flags] restore ARCHIVE [--force]}: restores an exported backup archive into the data
     * directory while the server is stopped, then exits; the next start opens the restored state.
     * Returns the exit status (0 restored, 1 refused or failed, 2 bad usage).
     */
    static int restore(String[] flags, String[] rest) {
        boolean force = rest.length == 2 && rest[1].equals("--force");
        if (rest.length < 1 || rest.length > 2 || (rest.length == 2 && !force)) {
            System.err.println(USAGE);
            return 2;
        }
        Path dataDir;
        try {
            dataDir = ApplianceConfig.from(load(flags).get("telltale")).dataDir();
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println("telltale: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        try {
            String id = dev.telltale.backup.ArchiveRestore.restore(Path.of(rest[0]), dataDir, force);
            System.out.println("Restored backup " + id + " into " + dataDir + ".");
            System.out.println("  Its configuration files are in " + dataDir.resolve("restore/etc-" + id)
                    + " for comparison; start the appliance to open the restored state.");
            return 0;
        } catch (dev.telltale.backup.BackupException | java.io.UncheckedIOException e) {
            System.err.println("telltale: restore refused: " + e.getMessage());
            return 1;
        }
    }

    /** Builds the configuration tree from flags, environment, an optional file and the defaults. */
    public static Config load(String[] args) {
        Map<String, String> flags = new HashMap<>();
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("flag " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--data" -> flags.put("telltale.data-dir", v);
                case "--https-port" -> flags.put("telltale.https.port", port(a, v));
                case "--ingest-port" -> flags.put("telltale.ingest.port", port(a, v));
                case "--config" -> {
                    file = Path.of(v);
                    // Backups copy the file the server was started with.
                    flags.put("telltale.config-file", file.toAbsolutePath().toString());
                }
                default -> throw new IllegalArgumentException("unknown flag " + a);
            }
        }
        var builder = Config.builder().disableSystemPropertiesSource().disableEnvironmentVariablesSource()
                .addSource(ConfigSources.create(flags))
                .addSource(ConfigSources.create(environment(System.getenv())));
        if (file != null) {
            builder.addSource(ConfigSources.file(file).build());
        }
        return builder.addSource(ConfigSources.classpath("application.yaml").build()).build();
    }

    /**
     * {@code TELLTALE_*} environment variables as configuration keys: lower case, {@code _}
     * for a dot and {@code __} for a dash ({@code TELLTALE_STORE_COMMIT__INTERVAL} is
     * {@code telltale.store.commit-interval}). Variables the launcher itself reads are skipped.
     */
    static Map<String, String> environment(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("TELLTALE_") && !name.equals("TELLTALE_ADMIN_PASSWORD")
                    && !name.equals("TELLTALE_JAVA_OPTS")) {
                out.put(name.toLowerCase(java.util.Locale.ROOT).replace("__", "-").replace('_', '.'), value);
            }
        });
        return out;
    }

    private static String port(String flag, String v) {
        try {
            int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65535) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " must be a port number 0-65535, was '" + v + "'");
    }
}
