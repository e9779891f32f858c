package dev.telltale.loadgen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh appliance in its own JVM, as an operator runs it ({@code java -Xms1g -Xmx1g -jar
 * telltale-server.jar}), listening on loopback only, on ports the OS picks, with the admin
 * password preset through the environment. Its console goes to a log file.
 */
public final class ApplianceProcess implements AutoCloseable {
    private static final Pattern HTTPS = Pattern.compile("Log in at\\s+https://[^:]+:(\\d+)/");
    private static final Pattern INGEST = Pattern.compile("Agents send to\\s+[^:]+:(\\d+)");

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final Deque<String> tail = new ArrayDeque<>();
    private int httpsPort = -1;
    private int ingestPort = -1;

    private ApplianceProcess(Process process, Path dataDir, Path log) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
    }

    /**
     * Starts the appliance and waits until it says it is up (at most two minutes).
     *
     * @param heap e.g. {@code 1g}
     * @param env   extra environment, e.g. configuration overrides ({@code TELLTALE_STORE_QUEUE__RECORDS})
     * @throws IOException when it exits or does not come up, with the end of its console
     */
    public static ApplianceProcess start(Path jar, Path dataDir, String adminPassword, String heap, Path log,
                                         java.util.Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms" + heap, "-Xmx" + heap, "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-XX:+IgnoreUnrecognizedVMOptions", "-XX:ThreadPriorityPolicy=1", "-XX:JavaPriority1_To_OSPriority=10",
                "--sun-misc-unsafe-memory-access=allow", "-jar", jar.toString(),
                "--data", dataDir.toString(), "--https-port", "0", "--ingest-port", "0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TELLTALE_ADMIN_PASSWORD", adminPassword);
        // Benchmarks talk to it over loopback only; nothing else should reach it.
        pb.environment().put("TELLTALE_HTTPS_HOST", "127.0.0.1");
        pb.environment().put("TELLTALE_INGEST_HOST", "127.0.0.1");
        pb.environment().putAll(env);
        ApplianceProcess a = new ApplianceProcess(pb.start(), dataDir, log);
        CompletableFuture<Void> up = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("appliance-console").start(() -> a.pump(up));
        try {
            up.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            a.close();
            throw new IOException("the appliance did not come up: " + e.getMessage() + "\n" + a.tail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            a.close();
            throw new IOException("interrupted while starting the appliance", e);
        }
        return a;
    }

    private void pump(CompletableFuture<Void> up) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 40) {
                        tail.removeFirst();
                    }
                }
                Matcher m = HTTPS.matcher(line);
                if (m.find()) {
                    httpsPort = Integer.parseInt(m.group(1));
                }
                m = INGEST.matcher(line);
                if (m.find()) {
                    ingestPort = Integer.parseInt(m.group(1));
                }
                if (httpsPort > 0 && ingestPort > 0) {
                    up.complete(null);
                }
            }
            up.completeExceptionally(new IOException("exited with " + process.waitFor()));
        } catch (IOException | InterruptedException e) {
            up.completeExceptionally(e);
        }
    }

    /** The last lines of its console. */
    public String tail() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    public int httpsPort() {
        return httpsPort;
    }

    public int ingestPort() {
        return ingestPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path caCertificate() {
        return dataDir.resolve("tls/ca.crt");
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops it as the service manager would (SIGTERM, then SIGKILL after a minute). */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
