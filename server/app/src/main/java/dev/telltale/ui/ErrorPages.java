package dev.telltale.ui;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Answers a refused or failed page request with a friendly HTML page that says what to do and leaks nothing. */
public interface ErrorPages {
    /** Sends the error page for {@code status} with a message meant for the user (never an exception's text). */
    void send(ServerRequest req, ServerResponse res, int status, String message);
}
