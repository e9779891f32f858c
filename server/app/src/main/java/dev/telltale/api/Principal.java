package dev.telltale.api;

import dev.telltale.auth.ApiTokens;
import dev.telltale.auth.User;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

import java.util.Set;

/**
 * Bearer authentication for {@code /api/v1/**}: every route except the token exchange
 * needs a valid API token. The authenticated user travels in the request context.
 */
final class Principal implements Filter {
    private static final Set<String> OPEN = Set.of("/api/v1/auth/token");
    private final ApiTokens tokens;

    Principal(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!path.startsWith("/api/v1/") || OPEN.contains(path) || signedDownload(req, path)) {
            chain.proceed();
            return;
        }
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"telltale\"");
            Problems.send(res, 401, "Unauthorized", "send an API token as 'Authorization: Bearer <token>'");
            return;
        }
        var user = tokens.verify(header.substring(7).trim());
        if (user.isEmpty()) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"telltale\", error=\"invalid_token\"");
            Problems.send(res, 401, "Unauthorized", "the API token is invalid or expired");
            return;
        }
        req.context().register(user.get());
        chain.proceed();
    }

    /** A bundle fetched with a signed link; the downloads handler checks the signature. */
    private static boolean signedDownload(RoutingRequest req, String path) {
        return path.startsWith("/api/v1/downloads/") && req.query().contains("signature")
                && req.headers().first(HeaderNames.AUTHORIZATION).isEmpty();
    }

    static User user(ServerRequest req) {
        return req.context().get(User.class)
                .orElseThrow(() -> ApiProblem.unauthorized("authentication required"));
    }

    static User admin(ServerRequest req) {
        User u = user(req);
        if (!u.admin()) {
            throw ApiProblem.forbidden("this action needs the organisation Admin role");
        }
        return u;
    }
}
