package dev.telltale.alerts;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Position after a row in newest-first order: its time (to the nanosecond, as stored) and id,
 * and for the most-severe-first order of alerts its severity too. Opaque to clients, stable
 * while new rows arrive.
 */
record PageCursor(Instant time, long id, Optional<String> severity) {

    PageCursor(Instant time, long id) {
        this(time, id, Optional.empty());
    }

    String encode() {
        String s = time.getEpochSecond() + "." + time.getNano() + "." + id + severity.map(v -> "." + v).orElse("");
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this class produced */
    static PageCursor decode(String text) {
        try {
            String[] p = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII).split("\\.", -1);
            if (p.length != 3 && !(p.length == 4 && p[3].matches("P[1-4]"))) {
                throw new IllegalArgumentException();
            }
            return new PageCursor(Instant.ofEpochSecond(Long.parseLong(p[0]), Long.parseLong(p[1])),
                    Long.parseLong(p[2]), p.length == 4 ? Optional.of(p[3]) : Optional.empty());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'after' is not a valid cursor", e);
        }
    }
}
