package dev.telltale.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** JSON in and out of API handlers, with bounded request bodies. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    private static final int MAX_BODY = 64 * 1024;

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(32).maxStringLength(16 * 1024).maxNumberLength(32).build());
    }

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Reads a JSON object body; anything else is a 400 problem. */
    static ObjectNode body(ServerRequest req) {
        String type = req.headers().contentType().map(t -> t.mediaType().text()).orElse("");
        if (!type.equals("application/json")) {
            throw ApiProblem.badRequest("expected a JSON body with Content-Type application/json");
        }
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            throw ApiProblem.badRequest("cannot read the request body");
        }
        if (bytes.length > MAX_BODY) {
            throw new ApiProblem(413, "Content Too Large", "request body exceeds " + MAX_BODY + " bytes");
        }
        try {
            JsonNode n = MAPPER.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw ApiProblem.badRequest("the body must be a JSON object");
            }
            return (ObjectNode) n;
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiProblem.badRequest("cannot read the request body");
        }
    }

    static String text(ObjectNode body, String field) {
        return optionalText(body, field).orElseThrow(() -> ApiProblem.badRequest("'" + field + "' is required"));
    }

    static Optional<String> optionalText(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw ApiProblem.badRequest("'" + field + "' must be a string");
        }
        return Optional.of(n.asText());
    }

    static void send(ServerResponse res, Status status, Object value) {
        try {
            byte[] out = MAPPER.writeValueAsBytes(value);
            res.status(status);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.send(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    static void send(ServerResponse res, Object value) {
        send(res, Status.OK_200, value);
    }

    /**
     * A numeric path parameter.
     *
     * @throws ApiProblem 400 naming {@code what} when it is not a number
     */
    static long pathId(ServerRequest req, String param, String what) {
        String s = req.path().pathParameters().get(param);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest(what + " must be a number (ids are numbers), not '" + s + "'");
        }
    }

    /** Refuses unknown fields: a typo in a security setting must not pass silently. */
    static void onlyFields(ObjectNode o, String... allowed) {
        java.util.Set<String> ok = java.util.Set.of(allowed);
        o.fieldNames().forEachRemaining(f -> {
            if (!ok.contains(f)) {
                throw ApiProblem.badRequest("unknown field '" + f + "'; expected " + String.join(", ", allowed));
            }
        });
    }

    /** The team a body's optional {@code team} names (400 when there is none by that name), else the default team. */
    static dev.telltale.teams.Teams.Team team(ObjectNode body, dev.telltale.teams.Teams teams) {
        return optionalText(body, "team")
                .map(t -> teams.byName(t).orElseThrow(() -> ApiProblem.badRequest("no team named '" + t + "'")))
                .orElseGet(teams::defaultTeam);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
