package dev.telltale.sso;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Set;

/**
 * Checks an ID token (OpenID Connect Core §3.1.3.7) with nimbus-jose-jwt: a JWS signed with RS256
 * or ES256 by a key from the provider's JWKS (never unsigned, never HMAC, so a public key can
 * never serve as a shared secret), issued by exactly the configured issuer, for this client
 * (audience, and {@code azp} when present or when there are several audiences), within its
 * validity (exp, nbf, iat, with {@link #CLOCK_SKEW} of tolerance by the injected clock) and
 * carrying the sign-in's nonce.
 */
final class IdTokenValidator {
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private final String issuer;
    private final String clientId;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    IdTokenValidator(String issuer, String clientId, JWKSource<SecurityContext> keys, Clock clock) {
        this.issuer = issuer;
        this.clientId = clientId;
        this.clock = clock;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(new ClockedClaimsVerifier());
    }

    /**
     * The claims of a valid ID token for the sign-in with {@code nonce}.
     *
     * @throws SsoException {@link SsoException.Kind#REFUSED} saying what is wrong with the token, or
     *                      {@link SsoException.Kind#PROVIDER_UNAVAILABLE} when the keys cannot be fetched
     */
    JWTClaimsSet validate(String idToken, String nonce) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(idToken, null);
        } catch (ParseException e) {
            throw SsoException.refused("the ID token is not a JWT");
        } catch (BadJOSEException e) {
            throw SsoException.refused("the ID token was refused: " + e.getMessage());
        } catch (KeySourceException e) {
            throw SsoException.unavailable("cannot read the provider's signing keys: " + e.getMessage());
        } catch (JOSEException e) {
            throw SsoException.refused("the ID token's signature cannot be checked: " + e.getMessage());
        }
        checkAuthorizedParty(claims);
        checkNonce(claims, nonce);
        return claims;
    }

    private void checkAuthorizedParty(JWTClaimsSet claims) {
        Object azp = claims.getClaim("azp");
        if (azp != null && !clientId.equals(azp)) {
            throw SsoException.refused("the ID token was refused: it was issued to another client (azp)");
        }
        if (azp == null && claims.getAudience().size() > 1) {
            throw SsoException.refused("the ID token was refused: several audiences and no authorized party (azp)");
        }
    }

    private static void checkNonce(JWTClaimsSet claims, String nonce) {
        Object got = claims.getClaim("nonce");
        if (!(got instanceof String s) || !Randoms.same(s, nonce)) {
            throw SsoException.refused("the ID token was refused: its nonce does not match this sign-in");
        }
    }

    /** nimbus's claim checks, timed by the injected clock; also refuses a token issued in the future. */
    private final class ClockedClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
        ClockedClaimsVerifier() {
            super(Set.of(clientId), new JWTClaimsSet.Builder().issuer(issuer).build(),
                    Set.of("iss", "sub", "aud", "exp", "iat"), Set.of());
            setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
        }

        @Override
        protected Date currentTime() {
            return Date.from(clock.instant());
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context)
                throws com.nimbusds.jwt.proc.BadJWTException {
            super.verify(claims, context);
            if (claims.getIssueTime().toInstant().isAfter(clock.instant().plus(CLOCK_SKEW))) {
                throw new com.nimbusds.jwt.proc.BadJWTException("JWT issued in the future (iat)");
            }
        }
    }
}
