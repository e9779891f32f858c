package dev.telltale.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.secrets.SecretBox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An integration's secrets opened: named values and the webhook's custom headers. Sealed as one
 * JSON object by {@link SecretBox} for the purpose {@value #PURPOSE}; never logged (no toString).
 */
record Secrets(Map<String, String> values, Map<String, String> headers) {
    static final String PURPOSE = "integrations.secrets";
    static final Secrets NONE = new Secrets(Map.of(), Map.of());

    Secrets {
        values = Map.copyOf(values);
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String seal(SecretBox box) {
        ObjectNode o = Outbox.JSON.createObjectNode();
        values.forEach(o::put);
        ObjectNode h = o.putObject("headers");
        headers.forEach(h::put);
        return box.seal(o.toString(), PURPOSE);
    }

    static Secrets open(SecretBox box, Optional<String> sealed) {
        if (sealed.isEmpty()) {
            return NONE;
        }
        JsonNode o = Outbox.parse(box.open(sealed.get(), PURPOSE));
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> {
            if (e.getKey().equals("headers")) {
                e.getValue().fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            } else {
                values.put(e.getKey(), e.getValue().asText());
            }
        });
        return new Secrets(values, headers);
    }

    @Override
    public String toString() {
        return "Secrets[" + values.keySet() + ", headers " + headers.keySet() + "]";
    }
}
