package dev.telltale.upgrade;

import java.util.regex.Pattern;

/** The shapes of the names the root side accepts from the server's files before it uses them in a path. */
final class Ids {
    private static final Pattern TRANSACTION = Pattern.compile("[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}");
    private static final Pattern BACKUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern RUN_TOKEN = Pattern.compile("tt_run_[A-Za-z0-9_-]{20,100}");

    private Ids() {
    }

    static String transaction(String id) {
        return check(TRANSACTION, id, "transaction id");
    }

    static String backup(String id) {
        if (id.contains("..")) {
            throw new UpgradeException("not a backup id: '" + id + "'");
        }
        return check(BACKUP, id, "backup id");
    }

    static String runToken(String token) {
        return check(RUN_TOKEN, token, "run token");
    }

    private static String check(Pattern p, String value, String what) {
        if (value == null || !p.matcher(value).matches()) {
            throw new UpgradeException("not a " + what + ": '" + (value == null ? "" : value.length() > 40
                    ? value.substring(0, 40) + "..." : value) + "'");
        }
        return value;
    }
}
