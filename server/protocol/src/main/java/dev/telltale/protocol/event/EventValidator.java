package dev.telltale.protocol.event;

import dev.telltale.protocol.ErrorCode;
import dev.telltale.protocol.ProtocolException;
import dev.telltale.protocol.Utf8;
import dev.telltale.protocol.WireReader;

/**
 * Checks an encoded event against its schema exactly as {@link EventCodec#decode} would, but
 * without building it: no strings, lists or messages are created. The ingest path validates
 * every event this way and decodes only the few it must change.
 */
public final class EventValidator {
    private EventValidator() {
    }

    /**
     * @throws ProtocolException {@link ErrorCode#EVENT_REJECTED} naming the violation
     */
    public static void validate(byte[] buf, int off, int len, boolean fromAgent, EventMeta meta) {
        try {
            envelope(new WireReader(buf, off, len), fromAgent, meta);
        } catch (ProtocolException e) {
            if (e.code() == ErrorCode.EVENT_REJECTED) {
                throw e;
            }
            throw rejected(e.getMessage());
        }
    }

    private static void envelope(WireReader r, boolean fromAgent, EventMeta meta) {
        long typeCode = -1;
        long dt = 0;
        long pid = 0;
        long tid = 0;
        int frames = 0;
        int bodyOff = -1;
        int bodyLen = 0;
        long seen = 0;
        while (r.hasMore()) {
            int tag = r.readTag();
            int number = tag >>> 3;
            FieldDef f = Schemas.ENVELOPE.field(number);
            if (f == null) {
                throw rejected("unknown envelope field " + number);
            }
            checkWireType(f, tag & 7);
            if (number != 5 && (seen & (1L << number)) != 0) {
                throw rejected(f.name() + ": repeated value for a single field");
            }
            seen |= 1L << number;
            switch (number) {
                case 1 -> typeCode = r.readVarint();
                case 2 -> dt = r.readSInt();
                case 3 -> pid = r.readVarint();
                case 4 -> tid = r.readVarint();
                case 5 -> {
                    if (fromAgent && ++frames > f.maxItems()) {
                        throw rejected("more than " + f.maxItems() + " stack frames");
                    }
                    int outer = r.enterMessage();
                    message(r, Schemas.STACK_FRAME, fromAgent);
                    r.exitMessage(outer);
                }
                default -> {
                    bodyLen = r.readLength();
                    bodyOff = r.position();
                    r.skipBytes(bodyLen);
                }
            }
        }
        if (typeCode < 0) {
            throw rejected("missing required field type");
        }
        final long code = typeCode;
        EventType type = EventType.ofCode(typeCode).orElseThrow(() -> rejected("unknown event type " + code));
        if (fromAgent && type.serverOnly()) {
            throw rejected("event type " + type.id() + " is written by the appliance only");
        }
        if (bodyOff >= 0) {
            message(new WireReader(r.buffer(), bodyOff, bodyLen), type.schema(), fromAgent);
        } else {
            requireAll(type.schema(), 0);
        }
        meta.type = type;
        meta.dtUs = dt;
        meta.pid = pid;
        meta.tid = tid;
    }

    private static void message(WireReader r, Schema schema, boolean limits) {
        long seen = 0;
        int[] counts = null;
        while (r.hasMore()) {
            int tag = r.readTag();
            int number = tag >>> 3;
            FieldDef f = schema.field(number);
            if (f == null) {
                throw rejected(schema.name() + ": unknown field " + number);
            }
            checkWireType(f, tag & 7);
            long bit = 1L << f.slot();
            if (f.repeated()) {
                if (counts == null) {
                    counts = new int[schema.size()];
                }
                if (limits && ++counts[f.slot()] > f.maxItems()) {
                    throw rejected(f.name() + ": more than " + f.maxItems() + " values");
                }
            } else if ((seen & bit) != 0) {
                throw rejected(f.name() + ": repeated value for a single field");
            }
            seen |= bit;
            switch (f.kind()) {
                case UINT, SINT -> r.readVarint();
                case BOOL -> {
                    if (r.readVarint() > 1) {
                        throw rejected(f.name() + ": boolean value above 1");
                    }
                }
                case STRING -> {
                    int n = r.readLength();
                    if (limits && n > f.maxBytes()) {
                        throw rejected("string of " + n + " bytes exceeds the limit of " + f.maxBytes());
                    }
                    if (!Utf8.valid(r.buffer(), r.position(), n)) {
                        throw rejected("string is not valid UTF-8");
                    }
                    r.skipBytes(n);
                }
                case BYTES -> {
                    int n = r.readLength();
                    if (limits && n > f.maxBytes()) {
                        throw rejected("byte field of " + n + " bytes exceeds the limit of " + f.maxBytes());
                    }
                    r.skipBytes(n);
                }
                case MESSAGE -> {
                    int outer = r.enterMessage();
                    message(r, f.messageSchema(), limits);
                    r.exitMessage(outer);
                }
            }
        }
        requireAll(schema, seen);
    }

    private static void requireAll(Schema schema, long seen) {
        long required = schema.requiredSlots();
        if ((seen & required) == required) {
            return;
        }
        for (FieldDef f : schema.fields()) {
            if (f.isRequired() && (seen & (1L << f.slot())) == 0) {
                throw rejected(schema.name() + ": missing required field " + f.name());
            }
        }
    }

    private static void checkWireType(FieldDef f, int wireType) {
        int expected = f.wireType();
        if (wireType != expected) {
            throw rejected(f.name() + ": wire type " + wireType + ", expected " + expected);
        }
    }

    private static ProtocolException rejected(String message) {
        return new ProtocolException(ErrorCode.EVENT_REJECTED, message);
    }
}
