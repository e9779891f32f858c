package dev.telltale.ui;

import dev.telltale.rbac.RouteTable;
import io.helidon.webserver.http.HttpRules;

/**
 * One group of web UI pages: the routes it declares (with the permission each needs, checked
 * before the handler runs) and its handlers. Every page of the UI is one of these in {@link Ui}.
 */
public interface Page {
    /** Declares this group's routes with {@link RouteTable#page}. */
    void declare(RouteTable routes);

    /** Registers the handlers for exactly the routes declared. */
    void routing(HttpRules rules);
}
