package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The body of a token request: JSON, or {@code application/x-www-form-urlencoded} as OAuth 2
 * clients send it (RFC 6749 §4.4), read into the same shape.
 */
final class TokenRequest {
    private static final int MAX = 8192;

    private TokenRequest() {
    }

    static ObjectNode read(ServerRequest req) {
        String type = req.headers().contentType().map(t -> t.mediaType().text()).orElse("");
        if (!type.equals("application/x-www-form-urlencoded")) {
            return Json.body(req);
        }
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes(MAX + 1);
        } catch (IOException e) {
            throw ApiProblem.badRequest("cannot read the request body");
        }
        if (bytes.length > MAX) {
            throw new ApiProblem(413, "Content Too Large", "a token request has at most " + MAX + " bytes");
        }
        ObjectNode o = Json.object();
        for (String pair : new String(bytes, StandardCharsets.US_ASCII).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (o.has(k)) {
                    throw ApiProblem.badRequest("'" + k + "' given twice");
                }
                o.put(k, v);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("malformed form encoding");
            }
        }
        return o;
    }
}
