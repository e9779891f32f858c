package dev.telltale.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Where a browser may be sent: only paths of this appliance, never another site. */
public final class Redirects {
    private Redirects() {
    }

    /**
     * {@code path} when it is a local absolute path, otherwise {@code /}. Refuses {@code //host},
     * {@code /\host} and schemes, which browsers would follow off-site.
     */
    public static String local(String path) {
        if (path == null || path.isEmpty() || path.length() > 2000 || path.charAt(0) != '/') {
            return "/";
        }
        if (path.length() > 1 && (path.charAt(1) == '/' || path.charAt(1) == '\\')) {
            return "/";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "/";
            }
        }
        return path;
    }

    /** The sign-in page, coming back to {@code next} afterwards. */
    public static String login(String next, String reason) {
        String n = local(next);
        String nextParam = n.equals("/") ? "" : "next=" + URLEncoder.encode(n, StandardCharsets.UTF_8);
        if (reason.isEmpty()) {
            return nextParam.isEmpty() ? "/login" : "/login?" + nextParam;
        }
        return "/login?" + reason + (nextParam.isEmpty() ? "" : "&" + nextParam);
    }
}
