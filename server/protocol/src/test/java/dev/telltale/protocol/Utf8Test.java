package dev.telltale.protocol;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Utf8Test {
    @Test
    void aBadByteIsFoundWhereverItSitsAmongAsciiBytes() {
        for (int off = 0; off < 9; off++) {
            for (int len = 1; len <= 40; len++) {
                for (int at = 0; at < len; at++) {
                    byte[] b = new byte[off + len + 9];
                    java.util.Arrays.fill(b, (byte) 'a');
                    b[off + at] = (byte) 0xFF;
                    assertFalse(Utf8.valid(b, off, len), () -> "0xFF missed in " + b.length + " bytes");
                    b[off + at] = (byte) 'z';
                    assertTrue(Utf8.valid(b, off, len));
                }
            }
        }
    }

    @Test
    void onlyTheGivenRangeIsJudged() {
        byte[] b = "abcdefgh\u00e9ijklmnop".getBytes(StandardCharsets.UTF_8);
        assertTrue(Utf8.valid(b, 0, 9 + 1));
        assertFalse(Utf8.valid(b, 0, 9), "a sequence cut by the range's end");
        assertFalse(Utf8.valid(b, 9, 5), "a range that starts on a continuation byte");
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomMixedText() {
        Random random = new Random(7);
        byte[][] pieces = {"a".getBytes(StandardCharsets.UTF_8), "/usr/lib/x86_64".getBytes(StandardCharsets.UTF_8),
                "\u00e9".getBytes(StandardCharsets.UTF_8), "\u20ac".getBytes(StandardCharsets.UTF_8),
                "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8), {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0,
                (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
        int invalid = 0;
        for (int round = 0; round < 20_000; round++) {
            ByteBuffer out = ByteBuffer.allocate(256);
            int n = random.nextInt(12);
            for (int k = 0; k < n; k++) {
                // Mostly valid pieces, so long ASCII runs surround the rare bad ones.
                byte[] p = pieces[random.nextInt(10) < 8 ? random.nextInt(5) : 5 + random.nextInt(5)];
                out.put(p);
            }
            int off = random.nextInt(8);
            byte[] b = new byte[off + out.position()];
            System.arraycopy(out.array(), 0, b, off, out.position());
            boolean expected = jdkAccepts(b, off, out.position());
            invalid += expected ? 0 : 1;
            assertEquals(expected, Utf8.valid(b, off, out.position()), () -> java.util.HexFormat.of().formatHex(b));
        }
        assertTrue(invalid > 1000, "the random text must include invalid sequences");
    }

    private static boolean jdkAccepts(byte[] b, int off, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
