package dev.telltale.ui.alerts;

import dev.telltale.alerts.TriageState;
import dev.telltale.ui.Form;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A triage request as a form sends it — {@code to} (the state), {@code comment} (optional) and
 * {@code expires} (a date, for a risk acceptance only: the occurrence reopens at its start, UTC)
 * — checked field by field so each message can sit next to its field.
 */
public record TriageInput(TriageState to, Optional<String> comment, Optional<Instant> expires) {
    public static final int COMMENT_MAX = dev.telltale.alerts.TriageChecks.COMMENT_MAX;
    /** The states a person may choose, in the order forms offer them. */
    public static final List<TriageState> CHOICES = List.of(TriageState.ACKNOWLEDGED, TriageState.NOT_AN_ISSUE,
            TriageState.RISK_ACCEPTED, TriageState.REPORTED);

    /** The request, or the field errors ({@code to}, {@code comment}, {@code expires}) that stop it. */
    public record Parsed(Optional<TriageInput> input, Map<String, String> errors) {
    }

    public static Parsed parse(Form f, Instant now) {
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<TriageState> to = TriageState.parse(f.text("to")).filter(CHOICES::contains);
        if (to.isEmpty()) {
            errors.put("to", "Choose what to do.");
        }
        String comment = f.text("comment");
        if (comment.length() > COMMENT_MAX) {
            errors.put("comment", "A comment can have at most " + COMMENT_MAX + " characters.");
        }
        Optional<Instant> expires = Optional.empty();
        String date = f.text("expires");
        boolean accepting = to.filter(t -> t == TriageState.RISK_ACCEPTED).isPresent();
        if (!date.isEmpty()) {
            try {
                expires = Optional.of(LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant());
                if (!expires.get().isAfter(now)) {
                    errors.put("expires", "Choose a date after today.");
                }
            } catch (DateTimeParseException e) {
                errors.put("expires", "Enter the date as YYYY-MM-DD.");
            }
            if (to.isPresent() && !accepting) {
                errors.put("expires", "Only a risk acceptance takes a date: leave it empty for this change.");
            }
        } else if (accepting) {
            errors.put("expires", "A risk acceptance needs the date when it reopens.");
        }
        if (!errors.isEmpty()) {
            return new Parsed(Optional.empty(), errors);
        }
        return new Parsed(Optional.of(new TriageInput(to.get(), comment.isEmpty() ? Optional.empty()
                : Optional.of(comment), expires)), Map.of());
    }

    /** A service message as a sentence: capital first letter, full stop. */
    public static String sentence(String s) {
        String t = s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return t.endsWith(".") ? t : t + ".";
    }

    /** What a button or option says for moving an occurrence to {@code to} from {@code from}. */
    public static String action(TriageState from, TriageState to) {
        return switch (to) {
            case ACKNOWLEDGED -> "Acknowledge";
            case NOT_AN_ISSUE -> "Not an issue";
            case RISK_ACCEPTED -> from == TriageState.RISK_ACCEPTED ? "Extend the risk acceptance" : "Accept the risk";
            case REPORTED -> "Reopen";
            case FIXED -> "Fixed";
        };
    }
}
