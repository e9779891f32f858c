package dev.telltale.auth;

import org.bouncycastle.crypto.PasswordConverter;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Argon2id password hashes in the PHC string format
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (unpadded standard base64), the
 * format other Argon2 libraries read. Parameters follow OWASP's minimum for Argon2id; they are
 * stored in each hash, so raising them later still verifies existing hashes.
 */
final class PasswordHasher {

    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    // Bounds on parameters read back from storage, so a corrupted row cannot exhaust memory.
    private static final int MAX_MEMORY_KIB = 1024 * 1024;
    private static final int MAX_ITERATIONS = 16;
    private static final int MAX_PARALLELISM = 16;

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final SecureRandom random;

    PasswordHasher(SecureRandom random) {
        this.random = random;
    }

    String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** True when {@code password} matches; false for a mismatch or an unreadable hash. Constant-time compare. */
    boolean verify(char[] password, String encoded) {
        Phc phc = Phc.parse(encoded);
        if (phc == null) {
            return false;
        }
        byte[] actual = derive(password, phc.salt, phc.memoryKib, phc.iterations, phc.parallelism, phc.hash.length);
        return MessageDigest.isEqual(actual, phc.hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
                                 int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .withCharToByteConverter(PasswordConverter.UTF8)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    private record Phc(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {

        /** The parsed hash, or null when it is not an Argon2id v19 PHC string within bounds. */
        static Phc parse(String encoded) {
            String[] parts = encoded.split("\\$", -1);
            if (parts.length != 6 || !parts[0].isEmpty() || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
                return null;
            }
            int m = -1;
            int t = -1;
            int p = -1;
            try {
                for (String kv : parts[3].split(",")) {
                    String[] pair = kv.split("=", 2);
                    if (pair.length != 2) {
                        return null;
                    }
                    int value = Integer.parseInt(pair[1]);
                    switch (pair[0]) {
                        case "m" -> m = value;
                        case "t" -> t = value;
                        case "p" -> p = value;
                        default -> {
                            return null;
                        }
                    }
                }
                byte[] salt = B64_DECODER.decode(parts[4]);
                byte[] hash = B64_DECODER.decode(parts[5]);
                boolean sane = m >= 8 * Math.max(p, 1) && m <= MAX_MEMORY_KIB && t >= 1 && t <= MAX_ITERATIONS
                        && p >= 1 && p <= MAX_PARALLELISM && salt.length >= 8 && hash.length >= 16;
                return sane ? new Phc(m, t, p, salt, hash) : null;
            } catch (IllegalArgumentException e) { // NumberFormatException included
                return null;
            }
        }
    }
}
