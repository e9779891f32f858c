package dev.telltale.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.testing.RunningAppliance;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backup settings through the API of a running appliance (real Derby) against a real SFTP
 * server (MINA SSHD in this JVM): every bad field is named; the password and the private key
 * never come back, never reach the audit log and are sealed in Derby; a new schedule is taken
 * without a restart; trying the target says whether it works and why not.
 */
class BackupSettingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "pw-Only-The-Server-Knows-42";
    @TempDir
    static Path tmp;
    static SshServer sshd;
    static String fingerprint;
    static KeyPair clientKey;
    static RunningAppliance app;
    static String token;
    /** Everything logged in this JVM while the tests run. */
    static final List<String> LOGGED = new ArrayList<>();
    static final java.util.logging.Handler CAPTURE = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord r) {
            String m = new java.util.logging.SimpleFormatter().formatMessage(r);
            synchronized (LOGGED) {
                LOGGED.add(m + (r.getThrown() == null ? "" : " " + r.getThrown()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() throws Exception {
        java.util.logging.Logger.getLogger("").addHandler(CAPTURE);
        Path root = Files.createDirectories(tmp.resolve("sftp-root"));
        Files.createDirectories(root.resolve("backups"));
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        clientKey = g.generateKeyPair();
        var sftp = dev.telltale.testing.SftpServers.start(root, tmp.resolve("hostkey.ser"),
                (user, password, session) -> user.equals("backup") && password.equals(PASSWORD),
                java.util.Optional.of((user, key, session) -> user.equals("keyed")
                && KeyUtils.compareKeys(key, clientKey.getPublic())));
        sshd = sftp.server();
        fingerprint = sftp.fingerprint();
        app = RunningAppliance.start(tmp.resolve("data"), "");
        token = app.apiToken();
    }

    @AfterAll
    static void stop() throws Exception {
        java.util.logging.Logger.getLogger("").removeHandler(CAPTURE);
        if (app != null) {
            app.close();
        }
        if (sshd != null) {
            sshd.stop(true);
        }
    }

    private static ObjectNode sftp(String hostKey, String password) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("schedule").put("interval", "P1D").put("at", "02:30");
        ObjectNode t = body.putObject("target").put("type", "sftp").put("host", "127.0.0.1").put("port", sshd.getPort())
                .put("user", "backup").put("remote_dir", "backups").put("host_key", hostKey);
        if (password != null) {
            t.put("password", password);
        }
        body.put("keep_remote", 3);
        return body;
    }

    private static JsonNode put(ObjectNode body, int status) throws Exception {
        var r = app.put("/api/v1/backups/settings", body.toString(), token);
        assertEquals(status, r.statusCode(), r.body());
        assertFalse(r.body().contains(PASSWORD), "no response holds the password");
        return JSON.readTree(r.body());
    }

    private static JsonNode test() throws Exception {
        var r = app.post("/api/v1/backups/settings/test", "", token);
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(r.body().contains(PASSWORD));
        return JSON.readTree(r.body());
    }

    @Test
    void everyBadFieldIsNamedAndUnknownFieldsAreRefused() throws Exception {
        ObjectNode bad = JSON.createObjectNode();
        bad.putObject("schedule").put("interval", "PT30S").put("at", "25:00");
        bad.putObject("target").put("type", "sftp").put("host", "not a host!").put("port", 70000)
                .put("host_key", "ab:cd:ef");
        bad.put("keep_remote", 0);
        JsonNode p = put(bad, 400);
        assertEquals(Set.of("schedule.interval", "schedule.at", "target.host", "target.port", "target.user",
                "target.host_key", "target.password", "keep_remote"), fields(p.get("errors")), p.toString());
        assertTrue(p.get("errors").get("schedule.interval").asText().contains("PT1M"), p.toString());

        ObjectNode dir = JSON.createObjectNode();
        dir.putObject("target").put("type", "directory").put("path", "relative/dir");
        assertEquals(Set.of("target.path"), fields(put(dir, 400).get("errors")));

        ObjectNode unknown = JSON.createObjectNode();
        unknown.putObject("target").put("type", "none").put("colour", "red");
        assertTrue(put(unknown, 400).get("detail").asText().contains("unknown field 'colour'"));
        ObjectNode top = JSON.createObjectNode().put("keep", 3);
        assertTrue(put(top, 400).get("detail").asText().contains("unknown field 'keep'"));

        ObjectNode badKey = sftp(fingerprint, null);
        ((ObjectNode) badKey.get("target")).put("private_key", "-----BEGIN OPENSSH PRIVATE KEY-----\nnonsense\n");
        assertEquals(Set.of("target.private_key"), fields(put(badKey, 400).get("errors")));
    }

    private static Set<String> fields(JsonNode errors) {
        Set<String> out = new java.util.TreeSet<>();
        errors.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void theSettingsRoundTripAndTheSecretsStaySealed() throws Exception {
        JsonNode saved = put(sftp(fingerprint, PASSWORD), 200);
        assertEquals("database", saved.get("source").asText());
        assertEquals("sftp", saved.at("/target/type").asText());
        assertEquals(fingerprint, saved.at("/target/host_key").asText());
        assertTrue(saved.at("/target/password_set").asBoolean());
        assertFalse(saved.at("/target/private_key_set").asBoolean());
        assertFalse(saved.at("/target").has("password"), "write-only");
        assertEquals("P1D", saved.at("/schedule/interval").asText());
        assertEquals("02:30", saved.at("/schedule/at").asText());
        assertEquals(3, saved.get("keep_remote").asInt());
        assertEquals("admin", saved.get("updated_by").asText());

        var got = app.get("/api/v1/backups/settings", token);
        assertEquals(200, got.statusCode());
        assertFalse(got.body().contains(PASSWORD));
        assertEquals(saved, JSON.readTree(got.body()));
        JsonNode list = JSON.readTree(app.get("/api/v1/backups", token).body());
        assertEquals("sftp://backup@127.0.0.1:" + sshd.getPort() + "/backups", list.get("target").asText());
        assertEquals("every P1D from 02:30 UTC", list.get("schedule").asText());

        // Saved again without the password: the stored one is kept.
        JsonNode kept = put(sftp(fingerprint, null), 200);
        assertTrue(kept.at("/target/password_set").asBoolean());
        assertTrue(test().get("ok").asBoolean());

        List<String> sealed = rows("SELECT sftp_password FROM backup_settings");
        assertEquals(1, sealed.size());
        assertTrue(sealed.get(0).startsWith("v1:"), "sealed");
        assertFalse(sealed.get(0).contains(PASSWORD));
        for (String row : rows("SELECT actor || ' ' || target || ' ' || detail FROM audit_log WHERE action = 'backup.settings'")) {
            assertFalse(row.contains(PASSWORD), row);
        }
        List<String> audited = rows("SELECT detail FROM audit_log WHERE action = 'backup.settings' ORDER BY id");
        assertTrue(audited.stream().anyMatch(d -> d.contains("credentials replaced") && d.contains(fingerprint)), audited.toString());
        assertTrue(audited.getLast().contains("credentials kept"), audited.toString());
        synchronized (LOGGED) {
            assertTrue(LOGGED.stream().anyMatch(m -> m.contains("backup settings changed")), "the change is logged");
            assertTrue(LOGGED.stream().noneMatch(m -> m.contains(PASSWORD)), "never logged");
        }
    }

    @Test
    void thePrivateKeyLogsInAndIsNeverShown() throws Exception {
        // What ssh-keygen writes.
        var written = new java.io.ByteArrayOutputStream();
        org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter.INSTANCE
                .writePrivateKey(clientKey, "backup@appliance", null, written);
        String pem = written.toString(java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(pem.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"), pem.lines().findFirst().orElse(""));
        ObjectNode body = sftp(fingerprint, null);
        ((ObjectNode) body.get("target")).put("user", "keyed").put("private_key", pem);
        JsonNode saved = put(body, 200);
        assertTrue(saved.at("/target/private_key_set").asBoolean());
        assertFalse(saved.at("/target/password_set").asBoolean(), "a new key replaces the stored password");
        JsonNode r = test();
        assertTrue(r.get("ok").asBoolean(), r.toString());
        String body64 = pem.lines().skip(1).findFirst().orElseThrow();
        String stored = rows("SELECT sftp_private_key FROM backup_settings").get(0);
        assertFalse(stored.contains(body64) || stored.contains("PRIVATE KEY"), "sealed");
        assertFalse(app.get("/api/v1/backups/settings", token).body().contains(body64));
    }

    @Test
    void tryingTheTargetSaysWhetherItWorks() throws Exception {
        put(sftp(fingerprint, PASSWORD), 200);
        JsonNode ok = test();
        assertTrue(ok.get("ok").asBoolean(), ok.toString());
        assertTrue(ok.get("message").asText().contains("host key " + fingerprint + " as pinned"), ok.toString());
        try (Stream<Path> s = Files.list(tmp.resolve("sftp-root/backups"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".telltale-write-test")), "the probe is deleted");
        }

        put(sftp("SHA256:" + "A".repeat(43), null), 200);
        JsonNode wrongKey = test();
        assertFalse(wrongKey.get("ok").asBoolean());
        assertTrue(wrongKey.get("message").asText().contains("presented host key " + fingerprint), wrongKey.toString());

        ObjectNode noDir = sftp(fingerprint, null);
        ((ObjectNode) noDir.get("target")).put("remote_dir", "missing");
        put(noDir, 200);
        JsonNode missing = test();
        assertFalse(missing.get("ok").asBoolean());
        assertTrue(missing.get("message").asText().contains("'missing' does not exist"), missing.toString());

        ObjectNode wrongPassword = sftp(fingerprint, "not-the-password");
        put(wrongPassword, 200);
        JsonNode refused = test();
        assertFalse(refused.get("ok").asBoolean());
        assertTrue(refused.get("message").asText().contains("refused the login of user 'backup'"), refused.toString());
        assertFalse(refused.toString().contains("not-the-password"));

        ObjectNode dir = JSON.createObjectNode();
        dir.putObject("target").put("type", "directory").put("path", tmp.resolve("share").toString());
        put(dir, 200);
        JsonNode writable = test();
        assertTrue(writable.get("ok").asBoolean(), writable.toString());
        assertTrue(writable.get("message").asText().contains("is writable"));
    }

    @Test
    void aNewScheduleIsTakenWithoutARestart() throws Exception {
        ObjectNode off = JSON.createObjectNode();
        off.putObject("target").put("type", "none");
        JsonNode none = put(off, 200);
        assertTrue(none.at("/schedule/next_run").isNull(), none.toString());

        ObjectNode everyMinute = JSON.createObjectNode();
        everyMinute.putObject("schedule").put("interval", "PT1M");
        Instant before = Instant.now();
        JsonNode on = put(everyMinute, 200);
        Instant next = Instant.parse(on.at("/schedule/next_run").asText());
        assertTrue(!next.isBefore(before.plus(Duration.ofMinutes(1)).minusSeconds(1))
                && next.isBefore(Instant.now().plus(Duration.ofMinutes(1)).plusSeconds(1)), next.toString());
        assertEquals("every PT1M", JSON.readTree(app.get("/api/v1/backups", token).body()).get("schedule").asText());
        assertTrue(put(off, 200).at("/schedule/next_run").isNull(), "turned off at once");
    }

    private static List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = app.appliance().database().dataSource().getConnection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
