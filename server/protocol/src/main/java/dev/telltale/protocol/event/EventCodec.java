package dev.telltale.protocol.event;

import dev.telltale.protocol.ErrorCode;
import dev.telltale.protocol.ProtocolException;
import dev.telltale.protocol.WireReader;
import dev.telltale.protocol.WireWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * Schema-driven encoding and strict decoding of events. Decoding refuses unknown event
 * types, server-only types from agents, unknown fields, wrong wire types, values over their
 * limits and missing required fields, each with {@link ErrorCode#EVENT_REJECTED} and a
 * message naming the field.
 */
public final class EventCodec {
    private EventCodec() {
    }

    /**
     * Decodes one event from {@code len} bytes at {@code off}.
     *
     * @param fromAgent whether server-only types must be refused
     * @throws ProtocolException with {@link ErrorCode#EVENT_REJECTED} for any violation
     */
    public static Event decode(byte[] buf, int off, int len, boolean fromAgent) {
        return decode(buf, off, len, fromAgent, true);
    }

    /**
     * Decodes a stored (already validated) event without its stack frames, for readers that
     * examine only the envelope and body (the policy engine): frames are most of the work.
     */
    public static Event decodeWithoutStack(byte[] buf, int off, int len) {
        return decode(buf, off, len, false, false);
    }

    /**
     * Field 1 of a stored event's body, when it is a string (the {@code op} of file, network,
     * identity and process events), without decoding the event: readers that judge most events
     * by their operation skip the rest. "" when absent or not a string.
     */
    public static String peekOp(byte[] buf, int off, int len) {
        return peekBodyString(buf, off, len, 1);
    }

    /**
     * Field {@code field} of a stored event's body when it is a string (field 2 of a file event is
     * its path), without decoding the event. "" when absent or not a string.
     */
    public static String peekBodyString(byte[] buf, int off, int len, int field) {
        WireReader r = new WireReader(buf, off, len);
        while (r.hasMore()) {
            int tag = r.readTag();
            if (tag == (6 << 3 | WireReader.LEN)) {
                WireReader body = r.readMessage();
                while (body.hasMore()) {
                    int t = body.readTag();
                    if (t == (field << 3 | WireReader.LEN)) {
                        return body.readString(1 << 16);
                    }
                    body.skip(t & 7);
                }
                return "";
            }
            r.skip(tag & 7);
        }
        return "";
    }

    private static Event decode(byte[] buf, int off, int len, boolean fromAgent, boolean withStack) {
        try {
            return decodeEnvelope(new WireReader(buf, off, len), fromAgent, withStack);
        } catch (ProtocolException e) {
            if (e.code() == ErrorCode.EVENT_REJECTED) {
                throw e;
            }
            throw rejected(e.getMessage());
        }
    }

    private static Event decodeEnvelope(WireReader r, boolean fromAgent, boolean withStack) {
        long typeCode = -1;
        long dt = 0;
        long pid = 0;
        long tid = 0;
        List<Msg> stack = null;
        int bodyOff = -1;
        int bodyLen = 0;
        Schema env = Schemas.ENVELOPE;
        long seen = 0;
        while (r.hasMore()) {
            int tag = r.readTag();
            int number = tag >>> 3;
            FieldDef f = env.field(number);
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
                    if (!withStack) {
                        r.skip(tag & 7);
                        continue;
                    }
                    if (stack == null) {
                        stack = new ArrayList<>(8);
                    }
                    if (fromAgent && stack.size() >= f.maxItems()) {
                        throw rejected("more than " + f.maxItems() + " stack frames");
                    }
                    stack.add(decodeMsg(r.readMessage(), Schemas.STACK_FRAME, fromAgent));
                }
                case 6 -> {
                    bodyLen = r.readLength();
                    bodyOff = r.position();
                    r.skipBytes(bodyLen);
                }
                default -> throw rejected("unknown envelope field " + number);
            }
        }
        if (typeCode < 0) {
            throw rejected("missing required field type");
        }
        final long code = typeCode;
        EventType type = EventType.ofCode(typeCode)
                .orElseThrow(() -> rejected("unknown event type " + code));
        if (fromAgent && type.serverOnly()) {
            throw rejected("event type " + type.id() + " is written by the appliance only");
        }
        Msg body = bodyOff < 0 ? new Msg(type.schema())
                : decodeMsg(new WireReader(r.buffer(), bodyOff, bodyLen), type.schema(), fromAgent);
        checkRequired(body);
        return new Event(type, dt, pid, tid, stack, body);
    }

    /** Size and count limits guard against agents; what the appliance stored itself is read whole. */
    static Msg decodeMsg(WireReader r, Schema schema, boolean limits) {
        Msg m = new Msg(schema);
        while (r.hasMore()) {
            int tag = r.readTag();
            int number = tag >>> 3;
            FieldDef f = schema.field(number);
            if (f == null) {
                throw rejected(schema.name() + ": unknown field " + number);
            }
            checkWireType(f, tag & 7);
            Object value = switch (f.kind()) {
                case UINT -> r.readVarint();
                case SINT -> r.readSInt();
                case BOOL -> readBool(r, f);
                case STRING -> r.readString(limits ? f.maxBytes() : Integer.MAX_VALUE);
                case BYTES -> r.readBytes(limits ? f.maxBytes() : Integer.MAX_VALUE);
                case MESSAGE -> decodeMsg(r.readMessage(), f.messageSchema(), limits);
            };
            if (f.repeated()) {
                Object existing = m.raw(f);
                if (limits && existing != null && ((List<?>) existing).size() >= f.maxItems()) {
                    throw rejected(f.name() + ": more than " + f.maxItems() + " values");
                }
            } else if (m.raw(f) != null) {
                throw rejected(f.name() + ": repeated value for a single field");
            }
            m.set(f, value);
        }
        if (schema != Schemas.ENVELOPE) {
            checkRequiredNested(m);
        }
        return m;
    }

    private static Boolean readBool(WireReader r, FieldDef f) {
        long v = r.readVarint();
        if (v > 1) {
            throw rejected(f.name() + ": boolean value " + v);
        }
        return v == 1;
    }

    private static void checkWireType(FieldDef f, int wireType) {
        int expected = f.kind() == FieldKind.MESSAGE || f.kind() == FieldKind.STRING || f.kind() == FieldKind.BYTES ? 2 : 0;
        if (wireType != expected) {
            throw rejected(f.name() + ": wire type " + wireType + ", expected " + expected);
        }
    }

    private static void checkRequired(Msg body) {
        checkRequiredNested(body);
    }

    private static void checkRequiredNested(Msg m) {
        for (FieldDef f : m.schema().fields()) {
            if (f.isRequired() && m.raw(f) == null) {
                throw rejected(m.schema().name() + ": missing required field " + f.name());
            }
        }
    }

    private static ProtocolException rejected(String message) {
        return new ProtocolException(ErrorCode.EVENT_REJECTED, message);
    }

    /** Appends the event's encoding (without a length prefix) to {@code out}. */
    public static void encode(Event e, WireWriter out) {
        out.uint(1, e.type().code());
        if (e.dtUs() != 0) {
            out.sint(2, e.dtUs());
        }
        if (e.pid() != 0) {
            out.uint(3, e.pid());
        }
        if (e.tid() != 0) {
            out.uint(4, e.tid());
        }
        WireWriter sub = new WireWriter(128);
        for (Msg frame : e.stack()) {
            sub.reset();
            encodeMsg(frame, sub);
            out.message(5, sub);
        }
        sub.reset();
        encodeMsg(e.body(), sub);
        out.message(6, sub);
    }

    /** Encodes one event to a new array. */
    public static byte[] encode(Event e) {
        return encode(e, 256);
    }

    /**
     * As {@link #encode(Event)}, starting from a buffer of {@code expectedBytes} (for example the
     * size the event had before a change), so a large event is not copied through every size
     * below it.
     */
    public static byte[] encode(Event e, int expectedBytes) {
        WireWriter w = new WireWriter(Math.max(16, expectedBytes));
        encode(e, w);
        return w.toByteArray();
    }

    static void encodeMsg(Msg m, WireWriter out) {
        for (FieldDef f : m.schema().fields()) {
            Object v = m.raw(f);
            if (v == null) {
                continue;
            }
            if (f.repeated()) {
                for (Object item : (List<?>) v) {
                    encodeValue(f, item, out);
                }
            } else {
                encodeValue(f, v, out);
            }
        }
    }

    private static void encodeValue(FieldDef f, Object v, WireWriter out) {
        switch (f.kind()) {
            case UINT -> out.uint(f.number(), (Long) v);
            case SINT -> out.sint(f.number(), (Long) v);
            case BOOL -> out.bool(f.number(), (Boolean) v);
            case STRING -> out.string(f.number(), (String) v);
            case BYTES -> out.bytes(f.number(), (byte[]) v);
            case MESSAGE -> {
                WireWriter sub = new WireWriter(64);
                encodeMsg((Msg) v, sub);
                out.message(f.number(), sub);
            }
        }
    }
}
