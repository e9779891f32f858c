package dev.telltale.sso;

import dev.telltale.auth.User;
import dev.telltale.db.Database;
import dev.telltale.secrets.SecretBox;
import dev.telltale.teams.Teams;

import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/**
 * Single sign-on through one OpenID Connect provider (Okta, or any provider with discovery): the
 * authorization-code flow with PKCE (S256), ID tokens checked against the provider's published
 * keys, users created at their first sign-in and linked by the provider's issuer and subject, and
 * their access derived from the provider's groups at every sign-in (decision 9).
 */
public interface Sso extends AutoCloseable {

    /**
     * Single sign-on with settings in {@code db}, the client secret sealed by {@code box}, and
     * times (sign-in expiry, token validity) from {@code clock}.
     */
    static Sso create(Database db, Teams teams, SecretBox box, Clock clock) {
        return new OidcSso(new SettingsStore(db.dataSource(), box, clock), new Identities(db.dataSource(), clock),
                teams, clock);
    }

    /** The stored settings (never the client secret), and whether a client secret is stored. */
    SsoSettings.Stored settings();

    /**
     * Replaces the settings, audited ({@code sso.settings.update}, without the secret) in the same
     * transaction. Sign-ins started under the old settings can no longer complete.
     *
     * @param clientSecret a new client secret; empty keeps the stored one
     * @throws SsoException {@link SsoException.Kind#INVALID_SETTING} naming the first invalid field
     */
    SsoSettings.Stored update(SsoSettings settings, Optional<String> clientSecret, String actor);

    /**
     * Starts a sign-in: reads the provider's discovery document (cached), remembers a single-use
     * state, nonce and PKCE verifier for ten minutes, and returns where to send the browser.
     *
     * @param redirectUri this appliance's {@code /sso/callback} as the browser reaches it
     * @throws SsoException {@link SsoException.Kind#DISABLED}, or
     *                      {@link SsoException.Kind#PROVIDER_UNAVAILABLE} when discovery fails
     */
    LoginStart begin(URI redirectUri);

    /**
     * Completes a sign-in from the provider's redirect: the state must be one {@link #begin} issued
     * to the same browser, unused and unexpired; the code is exchanged with the PKCE verifier; the
     * ID token must be signed by a key of the provider and name this appliance, the provider, the
     * sign-in's nonce and a valid time. The user is found by (issuer, subject) or created, and the
     * access the groups grant replaces what the last sign-in granted. Successes and refusals of a
     * known sign-in are audited ({@code sso.login}, {@code sso.login.failed}).
     *
     * @return the signed-in user, for a new session
     * @throws SsoException {@link SsoException.Kind#REFUSED}, {@link SsoException.Kind#BAD_CALLBACK},
     *                      {@link SsoException.Kind#DISABLED} or {@link SsoException.Kind#PROVIDER_UNAVAILABLE}
     */
    User complete(Callback callback);

    @Override
    void close();

    /**
     * Where to send the browser, and the value of the short-lived cookie that binds the sign-in to
     * that browser (so a callback URL lured into another browser does not sign it in).
     */
    record LoginStart(URI authorizationUrl, String browserBinding) {
        @Override
        public String toString() {
            return "LoginStart[authorizationUrl=" + authorizationUrl + ", browserBinding=(hidden)]";
        }
    }

    /** The provider's redirect back: its query parameters and the browser's binding cookie. */
    record Callback(Optional<String> state, Optional<String> code, Optional<String> error,
                    Optional<String> errorDescription, Optional<String> browserBinding) {
        @Override
        public String toString() {
            return "Callback[state=" + state.isPresent() + ", code=" + code.isPresent() + ", error=" + error + "]";
        }
    }
}
