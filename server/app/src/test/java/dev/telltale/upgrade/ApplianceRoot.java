package dev.telltale.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.Welcome;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.upgrade.bundle.Bundles;
import dev.telltale.upgrade.bundle.ReleaseSigner;
import dev.telltale.upgrade.bundle.Version;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An appliance's file system in a scratch directory, run by real processes as on the appliance:
 * {@code opt/releases/<version>} with {@code opt/current}, the data directory, the configuration
 * file, the OS files an upgrade replaces ({@code os/}), the trusted release key, and a start and
 * a stop script standing in for systemctl. Releases run this build's classes; what differs
 * between them is their version and what a test puts in their start script.
 */
final class ApplianceRoot implements AutoCloseable {
    static final String OLD_UNIT = "[Service]\nExecStart=/opt/telltale/current/bin/telltale-server\n";
    static final String NEW_UNIT = "[Service]\nExecStart=/opt/telltale/current/bin/telltale-server\nLimitNOFILE=131072\n";
    private static final ObjectMapper JSON = new ObjectMapper();
    final Path root;
    final Path data;
    final int https;
    final int ingest;
    final ReleaseSigner signer;
    private final String javaCmd = ProcessHandle.current().info().command().orElse("java");
    private final String classpath = System.getProperty("java.class.path");

    ApplianceRoot(Path root) throws Exception {
        this.root = root;
        this.data = root.resolve("data");
        this.https = freePort();
        this.ingest = freePort();
        Files.createDirectories(data);
        Files.createDirectories(root.resolve("opt/releases"));
        signer = ReleaseSigner.generate(Files.createDirectories(root.resolve("keys")));
        Files.delete(root.resolve("keys").resolve(ReleaseSigner.KEY_FILE)); // the appliance holds only the public key
        Files.createDirectories(root.resolve("os/etc/systemd/system"));
        Files.writeString(root.resolve("os/etc/systemd/system/telltale.service"), OLD_UNIT);
        script("start.sh", "cd " + root + "\nexport TELLTALE_ADMIN_PASSWORD=" + RunningAppliance.ADMIN_PASSWORD + "\n"
                + "nohup " + root.resolve("opt/current/bin/telltale-server") + " >> " + root.resolve("server.log") + " 2>&1 &\n"
                + "echo $! > " + root.resolve("server.pid") + "\n");
        script("stop.sh", "pid=$(cat " + root.resolve("server.pid") + " 2>/dev/null) || exit 0\n"
                + "kill $pid 2>/dev/null || exit 0\n"
                + "for i in $(seq 1 300); do kill -0 $pid 2>/dev/null || exit 0; sleep 0.2; done\n"
                + "kill -9 $pid 2>/dev/null; exit 0\n");
        Files.writeString(root.resolve("application.yaml"), """
                telltale:
                  data-dir: %s
                  https: {port: %d}
                  ingest: {port: %d}
                  store: {commit-interval: PT1S}
                  evaluation: {checkpoint-interval: PT0.5S}
                  upgrade:
                    releases-dir: %s
                    os-root: %s
                    release-keys: %s
                    state-dir: %s
                    start-command: [sh, %s]
                    stop-command: [sh, %s]
                    reload-command: ["true"]
                    applier-command: [%s, "-Xmx256m", "-Dtelltale.test.crash-file=%s", "-cp", "%s", dev.telltale.upgrade.CrashingApplyMain, apply, "--config", %s]
                    gate-timeout: PT30S
                    min-free-bytes: 0
                """.formatted(data, https, ingest, root.resolve("opt"), root.resolve("os"), root.resolve("keys"),
                root.resolve("upgrade-state"), root.resolve("start.sh"), root.resolve("stop.sh"), javaCmd, root.resolve("crash-at"), classpath,
                root.resolve("application.yaml")));
    }

    /** Installs release {@code version} whose server is started with {@code extraArgs} and an optional extra classpath entry. */
    Path release(String version, String extraJavaArgs, Optional<Path> extraClasspath, String extraServerArgs) throws IOException {
        Path dir = Files.createDirectories(root.resolve("release-src").resolve(version));
        Files.writeString(dir.resolve("VERSION"), version + "\n");
        Files.createDirectories(dir.resolve("bin"));
        Path bin = dir.resolve("bin/telltale-server");
        String cp = classpath + extraClasspath.map(p -> ":" + p).orElse("");
        Files.writeString(bin, "#!/bin/sh\nexec " + javaCmd + " -Xmx384m -Dtelltale.version=" + version + " " + extraJavaArgs
                + " -cp " + cp + " dev.telltale.Main --config " + root.resolve("application.yaml") + " " + extraServerArgs + "\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** Installs {@code src} as the running release, as install.sh does. */
    void install(Path src, String version) throws IOException {
        Path dest = root.resolve("opt/releases").resolve(version);
        try (var files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Path t = dest.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.createSymbolicLink(root.resolve("opt/current"), Path.of("releases", version));
    }

    /** A signed bundle of the release in {@code src}, with OS files. */
    Path bundle(Path src, String version, String minFrom) throws IOException {
        Path os = Files.createDirectories(root.resolve("bundle-os").resolve(version));
        Files.createDirectories(os.resolve("etc/systemd/system"));
        Files.writeString(os.resolve("etc/systemd/system/telltale.service"), NEW_UNIT);
        Files.createDirectories(os.resolve("usr/lib/telltale"));
        Files.writeString(os.resolve("usr/lib/telltale/new-helper"), "#!/bin/sh\n");
        Path out = root.resolve("telltale-" + version + ".ttu");
        Bundles.build(src, Optional.of(os), Version.parse(version), Version.parse(minFrom), signer, out);
        return out;
    }

    void start() throws Exception {
        run(List.of("sh", root.resolve("start.sh").toString()));
        awaitHealthy();
    }

    void stop() throws Exception {
        run(List.of("sh", root.resolve("stop.sh").toString()));
    }

    void awaitHealthy() throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (http().send(HttpRequest.newBuilder(uri("/api/health")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // not up yet
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the appliance did not become healthy; log:\n" + tail());
    }

    String tail() throws IOException {
        Path log = root.resolve("server.log");
        if (!Files.exists(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** Waits for the transaction to end and returns its state. */
    UpgradeState awaitEnd(Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            Optional<UpgradeState> s = state();
            if (s.isPresent() && s.get().terminal()) {
                return s.get();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the upgrade did not end: " + state() + "\nserver log:\n" + tail());
    }

    /** The transaction as the page shows it: the server's record, then the applier's. */
    Optional<UpgradeState> state() {
        return UpgradeView.current(new StateFile(data), new RootState(root.resolve("upgrade-state")));
    }

    String currentRelease() throws IOException {
        return root.resolve("opt/current").toRealPath().getFileName().toString();
    }

    SSLContext tls() throws Exception {
        return RunningAppliance.trusting(data.resolve("tls/ca.crt"));
    }

    HttpClient http() throws Exception {
        return HttpClient.newBuilder().sslContext(tls()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    URI uri(String path) {
        return URI.create("https://localhost:" + https + path);
    }

    String login() throws Exception {
        var r = http().send(HttpRequest.newBuilder(uri("/api/v1/auth/token")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\""
                        + RunningAppliance.ADMIN_PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body, String token) throws Exception {
        return http().send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").method(method, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path, String token) throws Exception {
        return JSON.readTree(send("GET", path, HttpRequest.BodyPublishers.noBody(), token).body());
    }

    String runToken(String token) throws Exception {
        return JSON.readTree(send("POST", "/api/v1/run-tokens", HttpRequest.BodyPublishers.ofString("{\"name\":\"upgrade-test\"}"),
                token).body()).get("token").asText();
    }

    /** Sends {@code events} as an agent on {@code host} and returns the version the appliance announced. */
    String send(String runToken, String host, List<Event> events) throws Exception {
        try (AgentConnection conn = AgentConnection.connect(tls(), "localhost", ingest, 10_000)) {
            Welcome w = conn.hello(new Hello(1, runToken, "agent-" + host, "native", "0.3.1", host, "shop", "checkout", "1.0",
                    Optional.empty(), Compression.ZSTD, Optional.empty()));
            conn.sendRaw(conn.encoder().frame(w.nextSeq(), System.currentTimeMillis() * 1000, events));
            conn.awaitAck(w.nextSeq() + events.size() - 1);
            return w.serverVersion();
        }
    }

    long count(String token, String q) throws Exception {
        return json("/api/v1/events/facets?dims=type&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), token)
                .get("total").asLong();
    }

    long awaitCount(String token, String q, long n) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        long c;
        while ((c = count(token, q)) < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        return c;
    }

    void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(command + " failed: " + out);
        }
    }

    /** The applier halts as {@code step} begins (empty: never). */
    void crashAt(String step) throws IOException {
        Files.writeString(root.resolve("crash-at"), step);
    }

    /** Runs the applier's recovery as the boot ({@code --no-start}) or the next start of the service would. */
    String recover(String... flags) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(javaCmd, "-Djdk.internal.httpclient.disableHostnameVerification=true",
                "-cp", classpath, "dev.telltale.upgrade.ApplyMain", "recover", "--config", root.resolve("application.yaml").toString()));
        cmd.addAll(List.of(flags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** SIGKILL for the applier of this root (its pid is in the lock it holds), as a crash or a power loss would end it. */
    boolean killApplier() throws IOException {
        Path lock = root.resolve("upgrade-state/applier.lock");
        if (!Files.exists(lock) || Files.readString(lock).isBlank()) {
            return false;
        }
        long pid = Long.parseLong(Files.readString(lock).trim());
        return ProcessHandle.of(pid).filter(h -> h.info().command().map(c -> c.contains("java")).orElse(false))
                .map(h -> {
                    h.destroyForcibly();
                    h.onExit().join();
                    return true;
                }).orElse(false);
    }

    /** Whether an applier holds the lock (a live process; the kernel releases a dead one's). */
    boolean applierRunning() throws IOException {
        Path lock = root.resolve("upgrade-state/applier.lock");
        if (!Files.exists(lock)) {
            return false;
        }
        try (var ch = java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.WRITE);
             var l = ch.tryLock()) {
            return l == null;
        }
    }

    void killServer() throws IOException {
        long pid = Long.parseLong(Files.readString(root.resolve("server.pid")).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() throws Exception {
        killApplier();
        stop();
    }

    private void script(String name, String body) throws IOException {
        Files.writeString(root.resolve(name), "#!/bin/sh\n" + body);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
