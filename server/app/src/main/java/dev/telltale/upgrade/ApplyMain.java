package dev.telltale.upgrade;

import dev.telltale.Main;
import io.helidon.config.Config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The applier's command line, run as root by the appliance's {@code telltale-upgrade.service}
 * (when the server leaves a request) and before every start of {@code telltale.service}
 * ({@code recover --no-start}):
 * <pre>
 *   java -cp telltale-server.jar dev.telltale.upgrade.ApplyMain apply|recover [--no-start] [--config FILE] [--data DIR]
 * </pre>
 * It reads the server's configuration tree (the same file and {@code TELLTALE_*} variables).
 * Exit status: 0 done or nothing to do, 1 rolled back or failed, 2 usage.
 */
public final class ApplyMain {
    private ApplyMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, step -> { }));
    }

    /** Runs the command line; {@code onStep} is called as each step begins. Returns the exit status. */
    static int run(String[] args, java.util.function.Consumer<String> onStep) {
        // The gate connects to the loopback address, which an uploaded certificate need not name.
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        if (args.length == 0 || !(args[0].equals("apply") || args[0].equals("recover"))) {
            return usage("apply or recover?");
        }
        boolean start = true;
        List<String> flags = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--no-start")) {
                start = false;
            } else {
                flags.add(args[i]);
            }
        }
        Config root;
        try {
            root = Main.load(flags.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        Config tt = root.get("telltale");
        java.nio.file.Path data = java.nio.file.Path.of(tt.get("data-dir").asString().orElse("./data")).toAbsolutePath();
        Applier applier = new Applier(data, UpgradeConfig.from(tt.get("upgrade")),
                tt.get("https.port").asInt().orElse(8443), tt.get("ingest.port").asInt().orElse(8444), Clock.systemUTC(), onStep);
        Optional<UpgradeState> end = args[0].equals("apply") ? applier.apply() : applier.recover(start);
        end.ifPresent(s -> System.out.println("telltale-upgrade: " + s.phase() + ": " + s.outcome().orElse("")));
        return end.map(s -> s.phase() == UpgradeState.Phase.DONE ? 0 : 1).orElse(0);
    }

    private static int usage(String problem) {
        System.err.println("telltale-upgrade: " + problem);
        System.err.println("usage: ApplyMain apply|recover [--no-start] [--config FILE] [--data DIR]");
        return 2;
    }
}
