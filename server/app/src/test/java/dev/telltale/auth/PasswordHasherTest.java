package dev.telltale.auth;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(new SecureRandom());

    @Test
    void theRightPasswordVerifiesAndAWrongOneDoesNot() {
        String stored = hasher.hash("correct horse battery staple".toCharArray());
        assertTrue(stored.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), stored);
        assertFalse(stored.contains("horse"));
        assertTrue(hasher.verify("correct horse battery staple".toCharArray(), stored));
        assertFalse(hasher.verify("correct horse battery stapler".toCharArray(), stored));
        assertFalse(hasher.verify(new char[0], stored));
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        assertNotEquals(hasher.hash("pw".toCharArray()), hasher.hash("pw".toCharArray()));
    }

    @Test
    void verifiesAHashMadeByTheArgon2ReferenceImplementation() {
        // From the reference implementation's test suite (phc-winner-argon2, src/test.c): Argon2id,
        // t=2, m=64 MiB, p=1, password "password", salt "somesalt".
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertTrue(hasher.verify("password".toCharArray(), reference));
        assertFalse(hasher.verify("Password".toCharArray(), reference));
    }

    @Test
    void malformedOrForeignHashesNeverVerify() {
        for (String bad : new String[] {"", "plain", "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=x,t=2,p=1$c29tZXNhbHQ$CTFh", "$argon2id$v=19$m=19456,t=2,p=1$!!$!!"}) {
            assertFalse(hasher.verify("password".toCharArray(), bad), bad);
        }
    }
}
