package dev.telltale.alerts;

/** No such alert, or no such occurrence of that alert (also when the caller may not see it). */
public class AlertNotFoundException extends RuntimeException {
    AlertNotFoundException(String message) {
        super(message, null, false, false);
    }
}
