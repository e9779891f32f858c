package dev.telltale.agents;

/**
 * Checks what an agent says about itself against the column sizes. The identity arrives from
 * the network, so an over-long or blank field is the sender's error, reported as such rather
 * than as a database failure.
 */
final class Validation {

    private Validation() {
    }

    /** The identity with surrounding white space removed. */
    static Agents.AgentIdentity check(Agents.AgentIdentity id) {
        return new Agents.AgentIdentity(
                text("instance", id.instance(), 200),
                text("kind", id.kind(), 32),
                text("agentVersion", id.agentVersion(), 64),
                text("hostname", id.hostname(), 255),
                text("application", id.application(), 200),
                text("component", id.component(), 200),
                text("version", id.version(), 100));
    }

    private static String text(String field, String value, int max) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty() || v.length() > max) {
            throw new IllegalArgumentException("agent identity field '" + field + "' must be 1 to " + max
                    + " characters");
        }
        return v;
    }
}
