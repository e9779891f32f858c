package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha256Test {
    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    @Test
    void knownVectors() {
        Sha256 md = new Sha256();
        assertArrayEquals(hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                md.digest(new byte[0]));
        assertArrayEquals(hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                md.digest("abc".getBytes()), "reusable after a digest");
        assertArrayEquals(hex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
                md.digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes()));
    }

    @Test
    void matchesTheJdkForEveryLengthAroundBlockBoundariesAndAnyChunking() throws Exception {
        Random random = new Random(42);
        MessageDigest jdk = MessageDigest.getInstance("SHA-256");
        Sha256 ours = new Sha256();
        for (int len = 0; len < 300; len++) {
            byte[] data = new byte[len];
            random.nextBytes(data);
            byte[] expected = jdk.digest(data);
            assertArrayEquals(expected, ours.digest(data), "length " + len);
            for (int off = 0; off < len; ) {
                int n = Math.min(len - off, random.nextInt(70));
                ours.update(data, off, n);
                off += n;
            }
            assertArrayEquals(expected, ours.digest(), "length " + len + " in chunks");
        }
        byte[] big = new byte[3_000_017];
        random.nextBytes(big);
        ours.update(big, 0, 1_000_000);
        ours.update(big, 1_000_000, big.length - 1_000_000);
        assertArrayEquals(jdk.digest(big), ours.digest(), "3 MB in two parts");
    }
}
