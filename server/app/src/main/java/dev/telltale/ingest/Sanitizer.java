package dev.telltale.ingest;

import dev.telltale.protocol.DecodedBatch;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.FieldDef;
import dev.telltale.protocol.event.Msg;
import dev.telltale.secrets.SecretHasher;
import dev.telltale.secrets.SecretPatterns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes a decoded batch fit to store: secrets in environments, command lines and bearer
 * tokens are replaced by a keyed hash and a masked form before anything is written, and
 * refused events become explicit {@code rejected} records so their sequence numbers are
 * accounted for.
 */
final class Sanitizer {
    private final SecretHasher hasher;

    Sanitizer(SecretHasher hasher) {
        this.hasher = hasher;
    }

    /** The stored form of every event of the batch, in order. */
    record Result(EventType[] types, long[] dts, byte[][] encoded) {
    }

    Result apply(DecodedBatch b) {
        EventType[] types = b.types().clone();
        long[] dts = b.dts().clone();
        byte[][] encoded = new byte[b.count()][];
        for (int i = 0; i < b.count(); i++) {
            if (b.rejected(i)) {
                types[i] = EventType.REJECTED;
                dts[i] = 0;
                encoded[i] = EventCodec.encode(rejected(b, i));
            } else if (MAY_HOLD_SECRETS.contains(types[i])) {
                // Only these types can carry secrets: decode, mask, and re-encode when changed.
                Event e = b.decode(i);
                // Masking adds a few dozen bytes a secret; the buffer still grows when that is not enough.
                encoded[i] = sanitize(e) ? EventCodec.encode(e, b.lengths()[i] + 1024) : slice(b, i);
            } else {
                encoded[i] = slice(b, i);
            }
        }
        return new Result(types, dts, encoded);
    }

    private static final java.util.Set<EventType> MAY_HOLD_SECRETS =
            java.util.EnumSet.of(EventType.PROCESS_START, EventType.PROCESS, EventType.BEARER_TOKEN);

    private static byte[] slice(DecodedBatch b, int i) {
        return Arrays.copyOfRange(b.blob(), b.offsets()[i], b.offsets()[i] + b.lengths()[i]);
    }

    private static Event rejected(DecodedBatch b, int i) {
        Event r = Event.of(EventType.REJECTED, 0, 0, 0);
        r.body().set("code", "EVENT_REJECTED").set("reason", b.rejections()[i])
                .set("claimed_type", (long) b.claimedTypes()[i]).set("size", (long) b.lengths()[i]);
        return r;
    }

    /** Returns whether the event was changed. */
    private boolean sanitize(Event e) {
        return switch (e.type()) {
            case PROCESS_START -> env(e.body()) | argv(e.body());
            case PROCESS -> argv(e.body());
            case BEARER_TOKEN -> bearer(e.body());
            default -> false;
        };
    }

    private boolean env(Msg body) {
        boolean changed = false;
        for (Msg var : body.<Msg>list("env")) {
            String name = var.string("env.name").orElse("");
            String value = var.string("env.value").orElse("");
            if (maskedByAgent(var, value)) {
                // The forwarder already masked it and keyed the hash for its team: keep both.
                continue;
            }
            if (SecretPatterns.isSecretEnv(name, value)) {
                var.set("env.value", SecretHasher.mask(value));
                var.set("env.hash", hasher.hash(value));
                var.set("env.masked", true);
                changed = true;
            }
        }
        return changed;
    }

    /**
     * Trust an agent's mask only when it looks like one (short, with the ellipsis, with a
     * hash): a clear secret flagged as masked is masked again.
     */
    private static boolean maskedByAgent(Msg var, String value) {
        return var.get("env.masked").map(Boolean.TRUE::equals).orElse(false)
                && var.get("env.hash").isPresent()
                && value.length() <= 64 && value.contains("…") && !SecretPatterns.looksLikeSecret(value);
    }

    private boolean argv(Msg body) {
        FieldDef f = body.schema().field("argv");
        List<String> args = body.list("argv");
        List<String> out = null;
        for (int i = 0; i < args.size(); i++) {
            var secret = SecretPatterns.secretArgument(args.get(i));
            if (secret.isPresent()) {
                if (out == null) {
                    out = new ArrayList<>(args);
                }
                String value = secret.get()[1];
                out.set(i, secret.get()[0] + SecretHasher.mask(value) + " [hmac:" + hasher.hash(value) + "]");
            }
        }
        if (out != null) {
            body.replace(f, out);
            return true;
        }
        return false;
    }

    private boolean bearer(Msg body) {
        FieldDef value = body.schema().field("value");
        Object v = body.raw(value);
        if (v == null) {
            return false;
        }
        String token = (String) v;
        body.replace(value, null);
        body.set("token_hash", hasher.hash(token));
        body.set("token_masked", SecretHasher.mask(token));
        return true;
    }
}
