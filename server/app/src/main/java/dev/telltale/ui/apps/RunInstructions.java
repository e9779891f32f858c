package dev.telltale.ui.apps;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How to run an application's component under the agent: the launcher installed by the bundle of
 * the Downloads page, with the application (-a), component (-c) and version (-V) it reports
 * (docs/interceptor.md; the team configuration file supplies the appliance and run token).
 */
record RunInstructions(String command, String component, boolean placeholder) {
    /** Names agents may report need no shell quoting; anything else is quoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:-]+");

    static RunInstructions of(String application, List<String> components) {
        boolean placeholder = components.isEmpty();
        String component = placeholder ? "COMPONENT" : components.get(0);
        String command = "~/.telltale/bin/telltale run -a " + quote(application) + " -c " + quote(component)
                + " -V VERSION -- YOUR-COMMAND";
        return new RunInstructions(command, component, placeholder);
    }

    static String quote(String s) {
        return PLAIN.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
