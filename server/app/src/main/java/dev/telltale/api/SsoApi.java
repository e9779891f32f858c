package dev.telltale.api;

import dev.telltale.auth.User;
import dev.telltale.sso.Sso;
import dev.telltale.sso.SsoException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Browser single sign-on: {@code GET /sso/login} sends the browser to the provider (and binds the
 * sign-in to it with a short-lived cookie); {@code GET /sso/callback} completes the sign-in, starts
 * a session exactly as a password sign-in does, and sends the browser to {@code /}. Refusals are
 * a short HTML page for browsers and a problem document for everything else.
 */
final class SsoApi implements HttpService {
    /**
     * Binds a sign-in to the browser that started it. {@code SameSite=Lax}, not Strict: the
     * provider's redirect back is a cross-site navigation, and Lax cookies go along with those.
     */
    static final String BINDING_COOKIE = "tt_sso";
    static final String CALLBACK_PATH = "/sso/callback";
    /** As long as a sign-in may take at the provider (the appliance forgets its state after ten minutes). */
    private static final int BINDING_MAX_AGE_SECONDS = 600;
    private static final Pattern AUTHORITY = Pattern.compile(
            "([A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}])(:[0-9]{1,5})?");

    private final Sso sso;
    private final SessionCookies cookies;
    private final dev.telltale.ui.ErrorPages pages;

    SsoApi(Sso sso, SessionCookies cookies, dev.telltale.ui.ErrorPages pages) {
        this.sso = sso;
        this.cookies = cookies;
        this.pages = pages;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/login", this::login).get("/callback", this::callback);
    }

    /**
     * This appliance's callback URL as the browser reaches it (the provider must have it registered
     * exactly); empty when the request's Host is not a plain host and port.
     */
    static Optional<URI> callbackUri(ServerRequest req) {
        String authority = req.authority();
        return AUTHORITY.matcher(authority).matches() ? Optional.of(URI.create("https://" + authority + CALLBACK_PATH))
                : Optional.empty();
    }

    private void login(ServerRequest req, ServerResponse res) {
        try {
            URI callback = callbackUri(req).orElseThrow(() -> ApiProblem.badRequest("the Host header is not a host name"));
            Sso.LoginStart start = sso.begin(callback);
            res.headers().add(HeaderNames.SET_COOKIE, BINDING_COOKIE + "=" + start.browserBinding() + "; Path=/sso; Max-Age="
                    + BINDING_MAX_AGE_SECONDS + "; Secure; HttpOnly; SameSite=Lax");
            redirect(res, start.authorizationUrl().toString());
        } catch (SsoException e) {
            refuse(req, res, problem(e));
        }
    }

    private void callback(ServerRequest req, ServerResponse res) {
        // The binding is single-use like the state: cleared whatever the outcome.
        res.headers().add(HeaderNames.SET_COOKIE, BINDING_COOKIE + "=; Path=/sso; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
        try {
            User user = sso.complete(new Sso.Callback(param(req, "state"), param(req, "code"), param(req, "error"),
                    param(req, "error_description"), req.headers().cookies().first(BINDING_COOKIE).asOptional()));
            cookies.signIn(req, res, user);
            continueHome(res);
        } catch (SsoException e) {
            refuse(req, res, problem(e));
        }
    }

    /** A query parameter given at most once (a repeated one is refused: which would count?). */
    private static Optional<String> param(ServerRequest req, String name) {
        if (!req.query().contains(name)) {
            return Optional.empty();
        }
        List<String> all = req.query().all(name);
        if (all.size() > 1) {
            throw ApiProblem.badRequest("'" + name + "' is given more than once");
        }
        return Optional.of(all.getFirst());
    }

    /**
     * The browser arrives here from the provider's site, so a redirect would load {@code /} as
     * part of a cross-site navigation, and browsers withhold {@code SameSite=Strict} cookies from
     * those: the new session would look signed out. A page of our own that moves on to {@code /}
     * makes that load same-site.
     */
    private static void continueHome(ServerResponse res) {
        String page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"refresh\" content=\"0;url=/\"><title>Signed in – Telltale</title></head>"
                + "<body><p>Signed in. <a href=\"/\">Continue to Telltale</a></p></body></html>";
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.create("Content-Security-Policy"), "default-src 'none'");
        res.send(page.getBytes(StandardCharsets.UTF_8));
    }

    private static void redirect(ServerResponse res, String location) {
        res.header(HeaderNames.LOCATION, location);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.status(Status.SEE_OTHER_303).send();
    }

    /** The HTTP face of a single sign-on failure. */
    static ApiProblem problem(SsoException e) {
        return switch (e.kind()) {
            case INVALID_SETTING, BAD_CALLBACK -> ApiProblem.badRequest(e.getMessage());
            case DISABLED -> ApiProblem.notFound(e.getMessage());
            case REFUSED -> new ApiProblem(403, "Sign-in Refused", e.getMessage());
            case PROVIDER_UNAVAILABLE -> new ApiProblem(502, "Identity Provider Unavailable", e.getMessage());
        };
    }

    /** A browser (it asks for HTML) gets the friendly error page; anything else a problem document. */
    private void refuse(ServerRequest req, ServerResponse res, ApiProblem p) {
        boolean html = req.headers().first(HeaderNames.ACCEPT).map(a -> a.contains("text/html")).orElse(false);
        if (html) {
            pages.send(req, res, p.status(), p.getMessage());
        } else {
            Problems.send(res, p.status(), p.title(), p.getMessage());
        }
    }
}
