package dev.telltale.secrets;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretPatternsTest {
    /** Pieces random names and values are made of: the literals, near misses and case traps. */
    private static final String[] PIECES = {"PASS", "WORD", "password", "PassWord", "passwd", "SECRET", "secret", "token",
            "TOKEN", "API", "_", "KEY", "key", "api_key", "ApiKey", "ACCESS", "PRIVATE", "CREDENTIAL", "AUTHORIZATION",
            "SESSION", "SIGNING", "ENCRYPTION", "CONNECTION", "STRING", "DATABASE_URL", "dsn", "DSN", "_pwd", "PWD",
            "pgpass", "\n", "\r", "\u2028", "ſ", "ı", "\u212A", "é", "-", ".", "/", ":", "://", "@", " ", "=", "AKIA",
            "ASIA", "ABCDEFGHIJKLMNOP", "0123456789", "gh", "p_", "ghp_", "o_", "github_pat_", "xox", "b-", "eyJ",
            "abcdefgh", "-----BEGIN ", "RSA ", "PRIVATE KEY-----", "AIza", "sk", "rk", "_live_", "glpat-", "https",
            "user", "pw", "x", "Z", "9"};

    private static String random(Random rnd, int maxPieces) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(maxPieces);
        for (int i = 0; i < n; i++) {
            sb.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    private static boolean plainValueCheck(String value) {
        return SecretPatterns.SECRET_VALUES.stream().anyMatch(s -> s.pattern().matcher(value).find());
    }

    @Test
    void namesAreJudgedExactlyAsThePatternJudgesThem() {
        Random rnd = new Random(42);
        List<String> names = new ArrayList<>(List.of("DB_PASSWORD", "db_password", "GITHUB_TOKEN", "AWS_ACCESS_KEY_ID",
                "API_KEY", "apikey", "PGPASSFILE", "SENTRY_DSN", "MY_PWD", "PWD", "PATH", "HOME", "LANG", "X\nPASSWORD",
                "PASSWORD\n", "paſſword", "TOKEN\u2028", "pass\u212Aey"));
        for (int i = 0; i < 200_000; i++) {
            names.add(random(rnd, 6));
        }
        int secrets = 0;
        for (String name : names) {
            boolean expected = SecretPatterns.SECRET_NAME.matcher(name).matches();
            assertEquals(expected, SecretPatterns.secretName(name), () -> "name " + name.replace("\n", "\\n"));
            secrets += expected ? 1 : 0;
        }
        assertTrue(secrets > 10_000 && secrets < names.size() - 10_000, "the corpus holds both kinds: " + secrets);
    }

    @Test
    void valuesAreJudgedExactlyAsThePatternsJudgeThem() {
        Random rnd = new Random(7);
        List<String> values = new ArrayList<>(List.of("/usr/local/bin:/usr/bin:/bin", "en_US.UTF-8",
                "postgres://app:hunter2@db:5432/app", "https://example.com/path", "AKIAABCDEFGHIJKLMNOP",
                "ghp_" + "a".repeat(36), "gho_" + "a".repeat(35), "eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl",
                "-----BEGIN OPENSSH PRIVATE KEY-----", "xoxb-1234567890", "sk_live_" + "A".repeat(20),
                "glpat-" + "b".repeat(20), "AIza" + "c".repeat(35)));
        for (int i = 0; i < 200_000; i++) {
            values.add(random(rnd, 10));
        }
        int secrets = 0;
        for (String value : values) {
            boolean expected = plainValueCheck(value);
            assertEquals(expected, SecretPatterns.looksLikeSecret(value), () -> "value " + value);
            secrets += expected ? 1 : 0;
        }
        assertTrue(secrets > 1_000 && secrets < values.size() - 1_000, "the corpus holds both kinds: " + secrets);
    }

    @Test
    void everyKindOfSecretIsFoundAndOrdinaryValuesAreNot() {
        List<String> secrets = List.of("AKIAABCDEFGHIJKLMNOP", "ghp_" + "a".repeat(36), "github_pat_" + "b".repeat(40),
                "xoxb-1234567890", "eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl", "-----BEGIN RSA PRIVATE KEY-----",
                "AIza" + "c".repeat(35), "rk_live_" + "A".repeat(20), "glpat-" + "b".repeat(20),
                "postgres://app:hunter2@db:5432/app");
        assertEquals(SecretPatterns.SECRET_VALUES.size(), secrets.size());
        for (int i = 0; i < secrets.size(); i++) {
            String v = "prefix " + secrets.get(i) + " suffix";
            assertTrue(SecretPatterns.SECRET_VALUES.get(i).in(v), "shape " + i + " finds " + v);
            assertTrue(SecretPatterns.isSecretEnv("HARMLESS", v), v);
        }
        assertTrue(SecretPatterns.isSecretEnv("GITHUB_TOKEN", "x"));
        assertTrue(SecretPatterns.isSecretEnv("db_password", "x"));
        assertFalse(SecretPatterns.isSecretEnv("PWD", "/home/me"));
        assertFalse(SecretPatterns.isSecretEnv("PATH", "/usr/local/bin:/usr/bin:/bin"));
        assertFalse(SecretPatterns.isSecretEnv("URL", "https://example.com/a:b"));
        assertFalse(SecretPatterns.isSecretEnv("DB_PASSWORD", ""));
    }
}
