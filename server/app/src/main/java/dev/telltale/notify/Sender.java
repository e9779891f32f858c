package dev.telltale.notify;

/** Sends one delivery to one kind of receiver. Implementations keep secrets out of {@link Result#summary()}. */
interface Sender {
    /**
     * One attempt. Returns a result for every outcome the receiver or the network decides;
     * throws only {@link InterruptedException} (the appliance is stopping: nothing is recorded).
     */
    Result send(Integrations.Stored target, Outbox.Outgoing o) throws InterruptedException;

    /** {@code ok}: the receiver accepted (HTTP 2xx, or a syslog frame written); {@code summary} for the log. */
    record Result(boolean ok, String summary) {
        static Result ok(String summary) {
            return new Result(true, summary);
        }

        static Result failed(String summary) {
            return new Result(false, summary);
        }
    }

    /**
     * A failure's description without anything secret: the exception's type and message with the
     * integration's URL and secret values masked (some JDK messages quote the address).
     */
    static String describe(Throwable e, Integrations.Stored target) {
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        for (String s : target.secrets().values().values()) {
            if (s.length() >= 4) {
                text = text.replace(s, "***");
            }
        }
        for (String s : target.secrets().headers().values()) {
            if (s.length() >= 4) {
                text = text.replace(s, "***");
            }
        }
        return Deliveries.clip(text);
    }
}
