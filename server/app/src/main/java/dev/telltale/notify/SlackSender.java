package dev.telltale.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** A Slack incoming-webhook message: severity and title in bold, where, and a link to the alert. */
final class SlackSender implements Sender {
    private final Http http;

    SlackSender(Http http) {
        this.http = http;
    }

    @Override
    public Result send(Integrations.Stored target, Outbox.Outgoing o) throws InterruptedException {
        byte[] body = message(o).toString().getBytes(StandardCharsets.UTF_8);
        try {
            Http.Response r = http.send("POST", URI.create(target.secrets().get("webhook_url").orElseThrow()),
                    Map.of("Content-Type", "application/json"), Optional.of(body));
            // Slack answers "ok" with 200; its error bodies (invalid_payload, no_service…) are short and not secret.
            return new Result(r.ok(), "HTTP " + r.status() + (r.ok() ? "" : " " + Deliveries.clip(r.body().strip())));
        } catch (IOException | IllegalArgumentException e) {
            return Result.failed(Sender.describe(e, target));
        }
    }

    static ObjectNode message(Outbox.Outgoing o) {
        String title = Messages.title(o);
        String where = Messages.where(o);
        StringBuilder text = new StringBuilder("*").append(escape(title)).append("*");
        if (!where.isEmpty()) {
            text.append("\n").append(escape(where));
        }
        Messages.link(o).ifPresent(l -> text.append("\n<").append(escape(l)).append("|Open in Telltale>"));
        ObjectNode m = Outbox.JSON.createObjectNode();
        m.put("text", title + (where.isEmpty() ? "" : " — " + where)); // notifications and clients without blocks
        ArrayNode blocks = m.putArray("blocks");
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", text.toString());
        blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", escape("Telltale " + o.kind().wire() + " · delivery " + o.deliveryUid()));
        return m;
    }

    /** Slack's control characters in mrkdwn: &, < and > (links and mentions start with <). */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
