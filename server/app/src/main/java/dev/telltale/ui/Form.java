package dev.telltale.ui;

import dev.telltale.auth.Sessions;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A submitted HTML form. {@link #read} is the only way UI handlers read a form, and it refuses a
 * form without the session's CSRF token in its {@value #CSRF_FIELD} field: another site can make
 * a browser post a form with the session cookie, but cannot read the token to put in it.
 */
public final class Form {
    public static final String CSRF_FIELD = "_csrf";
    /** The pre-session cookie holding the sign-in form's token (double submit; see the sign-in page). */
    public static final String LOGIN_COOKIE = "tt_login";
    private static final String EXPIRED = "The form has expired or did not come from this appliance. Reload the page and try again.";
    static final int MAX_BYTES = 256 * 1024;
    private final Map<String, List<String>> fields;

    private Form(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /**
     * The form of a session-authenticated request, after checking its CSRF token.
     *
     * @throws UiException 403 when the token is missing or wrong, 400/413 for a malformed or too large body
     */
    public static Form read(ServerRequest req) {
        Sessions.Session s = req.context().get(Sessions.Session.class)
                .orElseThrow(() -> new UiException(403, "This form needs a signed-in browser session."));
        if (!isForm(req)) {
            throw new UiException(403, EXPIRED);
        }
        Form f = parse(req);
        if (!sameToken(f.first(CSRF_FIELD).orElse(""), s.csrfToken())) {
            throw new UiException(403, EXPIRED);
        }
        return f;
    }

    /** A form posted without a session (sign-in), parsed but not checked: the caller checks its own token. */
    public static Form readUnauthenticated(ServerRequest req) {
        return parse(req);
    }

    /** Compares tokens in constant time; an empty expected token never matches. */
    public static boolean sameToken(String presented, String expected) {
        return !expected.isEmpty() && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isForm(ServerRequest req) {
        return req.headers().contentType().map(t -> t.mediaType().text().equals("application/x-www-form-urlencoded"))
                .orElse(false);
    }

    private static Form parse(ServerRequest req) {
        if (!isForm(req)) {
            throw new UiException(415, "Expected a form (application/x-www-form-urlencoded).");
        }
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UiException(400, "The form could not be read.");
        }
        if (bytes.length > MAX_BYTES) {
            throw new UiException(413, "The form is too large.");
        }
        return new Form(decode(new String(bytes, StandardCharsets.US_ASCII), "The form is malformed."));
    }

    /**
     * The fields of {@code application/x-www-form-urlencoded} text (a body or a query string), in
     * order, repeated names kept.
     *
     * @throws UiException 400 with {@code malformed} when the percent-encoding is broken
     */
    public static Map<String, List<String>> decode(String body, String malformed) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            } catch (IllegalArgumentException e) {
                throw new UiException(400, malformed);
            }
        }
        return out;
    }

    /** The first value of a field. */
    public Optional<String> first(String name) {
        List<String> v = fields.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The trimmed first value, or "" when absent. */
    public String text(String name) {
        return first(name).map(String::trim).orElse("");
    }

    /** Every value of a field (checkbox groups, multi-selects). */
    public List<String> all(String name) {
        return List.copyOf(fields.getOrDefault(name, List.of()));
    }
}
