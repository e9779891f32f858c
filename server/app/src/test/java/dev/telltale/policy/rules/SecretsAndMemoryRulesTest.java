package dev.telltale.policy.rules;

import dev.telltale.protocol.event.EventType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsAndMemoryRulesTest {
    private static final String ENV = "secrets.environment";
    private static final String BEARER = "secrets.bearer-plaintext";
    private static final String MEM = "memory.unsafe-operation";

    @Test
    void secretEnvironmentVariablesAreReportedByNameWithMaskedValues() {
        // `true` started with AWS keys, a password and a *_FILE path; the appliance masked the values.
        var f = Harness.fired(ENV, "env-secrets");
        assertEquals(List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD"),
                f.stream().map(Harness.Fired::key).toList());
        assertEquals("AWS_SECRET_ACCESS_KEY=fake…89 (40 chars) in the environment of /usr/bin/true", f.get(1).summary());
        for (var x : f) {
            for (String clear : List.of("AKIAFAKEFIXTURE12345", "fakeSecretAccessKeyForFixtures0123456789",
                    "not-a-real-password")) {
                assertFalse(x.summary().contains(clear) || x.key().contains(clear), x.toString());
            }
        }
    }

    @Test
    void anOrdinaryEnvironmentIsNotReported() {
        assertEquals(List.of(), Harness.fired(ENV, "env-clean", "benign-files"));
    }

    @Test
    void ignoreNamesChangesWhatCounts() {
        var h = new Harness().with(ENV, Map.of("ignore-names", List.of("db_*", "*_file"))).run(Fixtures.load("env-secrets"));
        assertEquals(List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), h.fired(ENV).stream().map(Harness.Fired::key).toList());
        h = new Harness().with(ENV, Map.of("ignore-names", List.of())).run(Fixtures.load("env-secrets"));
        assertTrue(h.fired(ENV).stream().anyMatch(x -> x.key().equals("PASSWORD_FILE")));
    }

    @Test
    void theRuleTrustsTheSanitizersVerdictAndNeverShowsAValue() {
        // Hand-built: stored events passed the ingest sanitizer, which flags every secret it recognises
        // (the same SecretPatterns), so an unflagged variable is not a secret; a flagged one whose value
        // is somehow still clear is masked again in the summary.
        var h = new Harness().run(List.of(Events.start(70, 1, "/app/run", 1000, 1000,
                "env", List.of(Events.env("GITHUB_TOKEN", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", false),
                        Events.env("API_TOKEN", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", true)))));
        var f = h.fired(ENV);
        assertEquals(1, f.size());
        assertEquals("API_TOKEN=ghp_…89 (40 chars) in the environment of /app/run", f.get(0).summary());
    }

    @Test
    void bearerTokenOverPlainHttpIsReportedByPortAndPathWithoutQueryOrToken() {
        // python3 -m http.server, curl -H 'Authorization: Bearer fixture-token-…' /index.html?session=1.
        var f = Harness.fired(BEARER, "bearer-plain");
        assertEquals(1, f.size(), "one event per new token and port: " + f);
        assertTrue(f.get(0).key().matches("\\d+"), f.get(0).key());
        assertTrue(f.get(0).summary().contains("request /index.html"), f.get(0).summary());
        assertTrue(f.get(0).summary().matches("/usr/bin/python3\\.11 received a bearer token over plain HTTP on port \\d+, "
                + "request /index\\.html \\(token fixt…ef \\(30 chars\\)\\)"), f.get(0).summary());
        assertFalse(f.get(0).summary().contains("fixture-token-0123456789abcdef"));
        assertFalse(f.get(0).summary().contains("session=1"));
    }

    @Test
    void bearerTokensOverTlsOrOfUnknownTransportAreNotReported() {
        // Hand-built: the interceptor sniffs only plaintext requests, so it records no bearer token under TLS.
        var h = new Harness().run(List.of(
                Events.ev(EventType.BEARER_TOKEN, 80, 1, "auth_type", "bearer", "lport", 8443, "uri", "/a", "tls", true),
                Events.ev(EventType.BEARER_TOKEN, 80, 2, "auth_type", "bearer", "lport", 8443, "uri", "/b")));
        assertEquals(List.of(), h.fired(BEARER));
    }

    @Test
    void memoryWarningsAreReportedPerFunctionAndKind() {
        // t_mem: strcpy, strcat and sprintf of 26 bytes into a 24-byte heap chunk.
        var f = Harness.fired(MEM, "memory");
        assertEquals(List.of("strcpy:strcpy_overflow", "strcat:strcat_overflow", "sprintf:sprintf_overflow"),
                f.stream().map(Harness.Fired::key).toList());
        assertEquals("/opt/tt-fixtures/bin/t_mem: strcpy may overflow its destination (strcpy_overflow, "
                + "26 bytes written into 24 (heap))", f.get(0).summary());
        assertEquals(List.of(), Harness.fired(MEM, "benign-files", "lib-tmp"));
    }

    @Test
    void apiCallsOfUnsafeFunctionsCountOnlyWhenListed() {
        // Hand-built: the native interceptor sends no api events for calls; other agents may.
        var events = List.of(Events.ev(EventType.API, 90, 1, "api", "gets"),
                Events.ev(EventType.API, 90, 2, "api", "telltale.coverage", "args", List.of("/tmp/x", "static")),
                Events.ev(EventType.API, 90, 3, "api", "strncpy"));
        assertEquals(List.of("gets:call"), new Harness().run(events).fired(MEM).stream().map(Harness.Fired::key).toList());
        assertEquals(List.of(), new Harness().with(MEM, Map.of("unsafe-functions", List.of())).run(events).fired(MEM));
    }
}
