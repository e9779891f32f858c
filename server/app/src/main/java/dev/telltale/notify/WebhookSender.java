package dev.telltale.notify;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** POSTs the documented JSON envelope, signed, with the delivery id receivers de-duplicate by. */
final class WebhookSender implements Sender {
    static final String DELIVERY = "X-Telltale-Delivery";
    static final String EVENT = "X-Telltale-Event";

    private final Http http;
    private final Clock clock;

    WebhookSender(Http http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public Result send(Integrations.Stored target, Outbox.Outgoing o) throws InterruptedException {
        byte[] body = Outbox.envelope(o).toString().getBytes(StandardCharsets.UTF_8);
        // Custom headers first: the appliance's own headers win over nothing (names are checked anyway).
        Map<String, String> headers = new LinkedHashMap<>(target.secrets().headers());
        headers.put("Content-Type", "application/json");
        headers.put(DELIVERY, o.deliveryUid());
        headers.put(EVENT, o.kind().wire());
        headers.put(Signature.HEADER, Signature.header(target.secrets().get("secret").orElseThrow(),
                clock.instant().getEpochSecond(), body));
        try {
            Http.Response r = http.send("POST", URI.create(target.view().url().orElseThrow()), headers, Optional.of(body));
            return new Result(r.ok(), "HTTP " + r.status());
        } catch (IOException | IllegalArgumentException e) {
            return Result.failed(Sender.describe(e, target));
        }
    }
}
