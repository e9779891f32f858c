package dev.telltale.upgrade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The applier's command line with the plug pulled as the step named in the file
 * {@code -Dtelltale.test.crash-file} begins (after the step is recorded as running): the process
 * halts at once, as a crash or a power loss would end it.
 */
public final class CrashingApplyMain {
    private CrashingApplyMain() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(System.getProperty("telltale.test.crash-file"));
        String at = Files.exists(file) ? Files.readString(file).trim() : "";
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        System.exit(ApplyMain.run(args, step -> {
            if (step.equals(at)) {
                Runtime.getRuntime().halt(137);
            }
        }));
    }
}
