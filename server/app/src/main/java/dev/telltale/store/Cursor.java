package dev.telltale.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Position after a hit in newest-first order: its event time and unique id. Opaque to
 * clients; stable while new events arrive.
 */
public record Cursor(long tsUs, long uid) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((tsUs + "." + uid).getBytes(StandardCharsets.US_ASCII));
    }

    /** @throws BadQueryException when the text is not a cursor this store produced */
    public static Cursor decode(String text) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
            int dot = s.indexOf('.');
            return new Cursor(Long.parseLong(s.substring(0, dot)), Long.parseLong(s.substring(dot + 1)));
        } catch (RuntimeException e) {
            throw new BadQueryException("'after' is not a valid cursor");
        }
    }
}
