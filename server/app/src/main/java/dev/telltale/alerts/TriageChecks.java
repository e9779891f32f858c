package dev.telltale.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The checks a triage request must pass whatever it triages (an alert's occurrence, a
 * vulnerability finding): an expiry only for, and always for, a risk acceptance, in the future and
 * within the longest acceptance; a comment not blank and not too long. Each returns the problem as
 * a sentence fragment to show, or empty.
 */
public final class TriageChecks {
    /** The longest comment, in characters. */
    public static final int COMMENT_MAX = 4000;

    private TriageChecks() {
    }

    /** {@code what} names what reopens at the expiry ("the occurrence", "the finding"). */
    public static Optional<String> expiry(TriageState to, Optional<Instant> expiresAt, Instant now, Duration max,
                                          String what) {
        if (to != TriageState.RISK_ACCEPTED) {
            return expiresAt.isPresent() ? Optional.of("an expiry applies only to RISK_ACCEPTED") : Optional.empty();
        }
        if (expiresAt.isEmpty()) {
            return Optional.of("RISK_ACCEPTED needs an expiry: the date when " + what + " reopens");
        }
        Instant e = expiresAt.get();
        if (!e.isAfter(now)) {
            return Optional.of("the expiry " + e + " is not in the future");
        }
        if (e.isAfter(now.plus(max))) {
            return Optional.of("the expiry must be within " + max.toDays() + " days");
        }
        return Optional.empty();
    }

    public static Optional<String> comment(String text) {
        return text.isBlank() || text.length() > COMMENT_MAX
                ? Optional.of("a comment must be 1 to " + COMMENT_MAX + " characters and not blank") : Optional.empty();
    }
}
