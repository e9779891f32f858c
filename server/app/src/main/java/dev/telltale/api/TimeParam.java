package dev.telltale.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time parameters: an ISO-8601 instant ({@code 2026-11-26T04:00:00Z}), epoch milliseconds,
 * {@code now}, or {@code now-15m} (units s, m, h, d). Returned in microseconds.
 */
final class TimeParam {
    private static final Pattern RELATIVE = Pattern.compile("now(?:-(\\d{1,9})([smhd]))?");

    private TimeParam() {
    }

    static long parse(String name, String s, long nowMs) {
        Matcher m = RELATIVE.matcher(s);
        if (m.matches()) {
            long ms = nowMs;
            if (m.group(1) != null) {
                long n = Long.parseLong(m.group(1));
                long unit = switch (m.group(2)) {
                    case "s" -> 1000L;
                    case "m" -> 60_000L;
                    case "h" -> 3_600_000L;
                    default -> 86_400_000L;
                };
                ms -= n * unit;
            }
            return ms * 1000;
        }
        if (s.matches("\\d{1,15}")) {
            return Long.parseLong(s) * 1000;
        }
        try {
            Instant i = Instant.parse(s);
            return Math.multiplyExact(i.getEpochSecond(), 1_000_000L) + i.getNano() / 1000;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ApiProblem.badRequest("'" + name + "' must be an ISO-8601 instant, epoch milliseconds, 'now' or 'now-15m'");
        }
    }
}
