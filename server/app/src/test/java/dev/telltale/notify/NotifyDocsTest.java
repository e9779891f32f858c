package dev.telltale.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.alerts.AlertEvents;
import dev.telltale.alerts.TriageState;
import dev.telltale.policy.Severity;
import dev.telltale.sca.Sca;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/integrations.md stays in step with what the appliance sends: an example per event kind,
 * each parseable, with the envelope's fields and each kind's data fields in the order the code
 * writes them.
 */
class NotifyDocsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, JsonNode> examples() throws Exception {
        String doc = Files.readString(Path.of("../../docs/integrations.md"));
        Matcher m = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL).matcher(doc);
        Map<String, JsonNode> byKind = new LinkedHashMap<>();
        while (m.find()) {
            JsonNode n = JSON.readTree(m.group(1)); // every JSON example parses
            if (n.has("schema")) {
                byKind.put(n.get("kind").asText(), n);
            }
        }
        return byKind;
    }

    static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** What the code writes as {@code data} for each kind, from sample inputs. */
    static Map<EventKind, ObjectNode> generated() {
        Sources sources = new Sources(java.time.Clock.systemUTC(), () -> "https://t.example", id -> Optional.empty());
        AlertEvents.AlertChange created = new AlertEvents.AlertChange(1, 2, 3, "shop", "checkout", "1.4.2",
                "files.credential-read", "/etc/shadow", Severity.P1, Optional.empty(), TriageState.REPORTED, "system",
                Optional.of("first seen"), Instant.now());
        Sca.VulnFinding f = new Sca.VulnFinding(0, 3, "shop", "checkout", "1.4.2", "pkg:deb/debian/libssl3@3", "libssl3",
                "3", "Debian:12", "DSA-1", List.of("CVE-1"), "s", Optional.of(7.5), Optional.empty(), "HIGH", List.of("4"),
                true, false, Instant.now(), Instant.now(), TriageState.REPORTED, Optional.empty());
        Map<EventKind, ObjectNode> out = new LinkedHashMap<>();
        out.put(EventKind.NEW_ALERT, sources.alertData(created));
        out.put(EventKind.STATE_CHANGE, sources.alertData(created));
        out.put(EventKind.NEW_VULNERABILITY, Sources.vulnerabilityData(f));
        out.put(EventKind.AGENT_GAP, AgentGaps.data(new AgentGaps.Quiet(1, 3, "i", "native", "h", "shop", "c", "v",
                Instant.now()), Instant.now()));
        out.put(EventKind.SYSTEM, Sources.system("certificate.expiry", "m"));
        out.put(EventKind.TEST, Sources.test("n", "alice"));
        return out;
    }

    @Test
    void everyKindHasAnExampleWithTheFieldsTheAppliancesSends() throws Exception {
        Map<String, JsonNode> examples = examples();
        assertEquals(Arrays.stream(EventKind.values()).map(EventKind::wire).sorted().toList(),
                examples.keySet().stream().sorted().toList());
        ObjectNode envelope = Outbox.envelope(new Outbox.Outgoing(1, "d", 1, 1, EventKind.TEST, Optional.of(3L),
                Optional.empty(), Instant.now(), "{\"team\":\"t\",\"data\":{}}", 1));
        for (Map.Entry<EventKind, ObjectNode> g : generated().entrySet()) {
            JsonNode example = examples.get(g.getKey().wire());
            assertEquals(names(envelope), names(example), g.getKey() + " envelope");
            assertEquals(Outbox.SCHEMA, example.get("schema").asText());
            assertEquals(names(g.getValue()), names(example.get("data")), g.getKey() + " data fields, in order");
        }
    }

    @Test
    void theDocumentedSignatureRecipeMatchesTheSigner() {
        byte[] body = "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String header = Signature.header("secret-of-sixteen+", 1700000000, body);
        assertTrue(header.matches("t=1700000000,v1=[0-9a-f]{64}"), header);
        // HMAC-SHA256("secret-of-sixteen+", "1700000000." + body), computed independently of the signer.
        assertEquals(hmac("secret-of-sixteen+", "1700000000.{\"a\":1}"), header.substring(header.indexOf("v1=") + 3));
    }

    static String hmac(String key, String data) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(data.getBytes()));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
