package dev.telltale.upgrade;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the configured commands that stop, start and reload the server's service (systemctl on the appliance). */
final class ServiceControl {
    private final UpgradeConfig cfg;

    ServiceControl(UpgradeConfig cfg) {
        this.cfg = cfg;
    }

    void stop() {
        run(cfg.stopCommand(), Duration.ofMinutes(5));
    }

    void start() {
        run(cfg.startCommand(), Duration.ofMinutes(5));
    }

    void reload() {
        if (!cfg.reloadCommand().isEmpty()) {
            run(cfg.reloadCommand(), Duration.ofMinutes(1));
        }
    }

    /** @throws UpgradeException when the command cannot run, fails, or outlives {@code timeout} */
    static void run(List<String> command, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UpgradeException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        try {
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new UpgradeException(String.join(" ", command) + " did not finish within " + timeout);
            }
            if (p.exitValue() != 0) {
                String text = new String(out, StandardCharsets.UTF_8).strip();
                throw new UpgradeException(String.join(" ", command) + " failed (exit " + p.exitValue() + ")"
                        + (text.isEmpty() ? "" : ": " + text.substring(Math.max(0, text.length() - 400))));
            }
        } catch (IOException e) {
            throw new UpgradeException("cannot read the output of " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
