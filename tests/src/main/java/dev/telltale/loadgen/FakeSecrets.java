package dev.telltale.loadgen;

import java.util.Base64;
import java.util.Random;

/**
 * Realistically shaped but invented secrets, so the appliance's masking is exercised without a
 * real credential ever entering telemetry. Each shape matches what the appliance recognises
 * (AWS key ids, GitHub and Slack tokens, JWTs, Stripe keys, URLs with passwords).
 */
final class FakeSecrets {
    private static final String UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String B64 = ALNUM + "+/";

    private FakeSecrets() {
    }

    static String awsAccessKeyId(Random r) {
        return "AKIA" + pick(r, UPPER_DIGITS, 16);
    }

    static String awsSecretAccessKey(Random r) {
        return pick(r, B64, 40);
    }

    static String githubToken(Random r) {
        return "ghp_" + pick(r, ALNUM, 36);
    }

    static String slackToken(Random r) {
        return "xoxb-" + (1000000000L + r.nextInt(900000000)) + "-" + (1000000000L + r.nextInt(900000000)) + "-"
                + pick(r, ALNUM, 24);
    }

    static String stripeKey(Random r) {
        return "sk_live_" + pick(r, ALNUM, 24);
    }

    static String password(Random r) {
        return pick(r, ALNUM + "!#%*_-", 14 + r.nextInt(8));
    }

    /** An HS256 JWT with a plausible claim set and a random signature. */
    static String jwt(Random r, String subject, long iatS) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        String header = b.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes());
        String claims = b.encodeToString(("{\"sub\":\"" + subject + "\",\"scope\":\"orders:read orders:write\",\"iat\":"
                + iatS + ",\"exp\":" + (iatS + 3600) + ",\"iss\":\"https://auth.shop.example\"}").getBytes());
        byte[] sig = new byte[32];
        r.nextBytes(sig);
        return header + "." + claims + "." + b.encodeToString(sig);
    }

    static String databaseUrl(Random r, String user, String host) {
        return "postgresql://" + user + ":" + password(r) + "@" + host + ":5432/" + user;
    }

    /** A fake value shaped after what the variable's name says it holds. */
    static String forName(Random r, String name) {
        String n = name.toUpperCase(java.util.Locale.ROOT);
        if (n.contains("AWS_ACCESS_KEY")) {
            return awsAccessKeyId(r);
        }
        if (n.contains("AWS_SECRET") || n.contains("SECRET_ACCESS_KEY")) {
            return awsSecretAccessKey(r);
        }
        if (n.contains("GITHUB") || n.contains("GH_TOKEN")) {
            return githubToken(r);
        }
        if (n.contains("SLACK")) {
            return slackToken(r);
        }
        if (n.contains("STRIPE")) {
            return stripeKey(r);
        }
        if (n.contains("DATABASE_URL") || n.contains("DSN") || n.contains("CONNECTION")) {
            return databaseUrl(r, "shop", "db.shop.svc.cluster.local");
        }
        if (n.contains("JWT") || n.contains("BEARER")) {
            return jwt(r, "svc-shop", 1_760_000_000L + r.nextInt(10_000_000));
        }
        return password(r);
    }

    static String pick(Random r, String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
