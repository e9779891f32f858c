package dev.telltale.sso;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ID token checks, one spoiled property at a time, timed by a clock the test moves. */
class IdTokenValidatorTest {
    static final String ISSUER = "https://idp.example.com/oauth2/default";
    static final String CLIENT = "0oa-client";
    static final String NONCE = "n-0S6_WzA2Mj";
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static RSAKey rsa;
    static ECKey ec;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    static IdTokenValidator validator(MutableClock clock) {
        return new IdTokenValidator(ISSUER, CLIENT, new ImmutableJWKSet<>(new JWKSet(List.of(rsa.toPublicJWK(),
                ec.toPublicJWK()))), clock);
    }

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("00u-1").audience(CLIENT)
                .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plus(Duration.ofMinutes(5)))).claim("nonce", NONCE);
    }

    static String rs256(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").type(JOSEObjectType.JWT)
                .build(), change.apply(claims()).build());
        jwt.sign(new RSASSASigner(rsa));
        return jwt.serialize();
    }

    static String refusal(String token) {
        return refusal(token, new MutableClock(NOW));
    }

    static String refusal(String token, MutableClock clock) {
        SsoException e = assertThrows(SsoException.class, () -> validator(clock).validate(token, NONCE));
        assertEquals(SsoException.Kind.REFUSED, e.kind(), e.getMessage());
        return e.getMessage();
    }

    static void assertRefused(String token, String expected) {
        String m = refusal(token);
        assertTrue(m.contains(expected), m);
    }

    @Test
    void aGoodTokenPassesWithRs256AndEs256() throws Exception {
        assertEquals("00u-1", validator(new MutableClock(NOW)).validate(rs256(b -> b), NONCE).getSubject());
        SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims().build());
        es.sign(new ECDSASigner(ec));
        assertEquals("00u-1", validator(new MutableClock(NOW)).validate(es.serialize(), NONCE).getSubject());
        assertEquals("00u-1", validator(new MutableClock(NOW)).validate(rs256(b -> b.audience(List.of(CLIENT, "other"))
                .claim("azp", CLIENT)), NONCE).getSubject(), "several audiences with azp naming us");
    }

    @Test
    void expiryFollowsTheInjectedClockWithAMinuteOfSkew() throws Exception {
        String token = rs256(b -> b);
        MutableClock clock = new MutableClock(NOW.plus(Duration.ofMinutes(5)).plusSeconds(59));
        validator(clock).validate(token, NONCE);
        clock.advance(Duration.ofSeconds(2));
        assertTrue(refusal(token, clock).contains("Expired JWT"));
        assertRefused(rs256(b -> b.notBeforeTime(Date.from(NOW.plus(Duration.ofMinutes(3))))), "before use time");
        assertRefused(rs256(b -> b.issueTime(Date.from(NOW.plus(Duration.ofMinutes(2))))), "issued in the future");
    }

    @Test
    void audienceIssuerAndAuthorizedPartyMustNameUs() throws Exception {
        assertRefused(rs256(b -> b.audience("someone-else")), "aud claim rejected");
        assertRefused(rs256(b -> b.issuer(ISSUER + "/")), "iss");
        assertRefused(rs256(b -> b.claim("azp", "someone-else")), "azp");
        assertRefused(rs256(b -> b.audience(List.of(CLIENT, "other"))), "azp");
        assertRefused(rs256(b -> b.subject(null)), "sub");
    }

    @Test
    void theNonceMustBeTheSignInsOwn() throws Exception {
        assertRefused(rs256(b -> b.claim("nonce", "another")), "nonce");
        assertRefused(rs256(b -> b.claim("nonce", null)), "nonce");
    }

    @Test
    void onlyTheProvidersKeysAndAsymmetricAlgorithmsVerify() throws Exception {
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims().build());
        forged.sign(new RSASSASigner(impostor));
        assertRefused(forged.serialize(), "Invalid signature");

        assertRefused(new PlainJWT(claims().build()).serialize(), "rejected");

        // The classic confusion: HMAC keyed with the provider's public key, which anyone has.
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims().build());
        hs.sign(new MACSigner(rsa.toRSAPublicKey().getEncoded()));
        assertRefused(hs.serialize(), "rejected");

        String good = rs256(b -> b);
        String[] parts = good.split("\\.");
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims().subject("00u-admin").build().toString().getBytes()) + "." + parts[2];
        assertRefused(tampered, "Invalid signature");
        assertRefused("not a token", "not a JWT");
    }
}
