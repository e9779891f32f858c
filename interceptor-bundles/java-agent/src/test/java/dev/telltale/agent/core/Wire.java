package dev.telltale.agent.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A strict reader of the agent's envelopes for tests: type, pid and the body's fields. */
final class Wire {
    final int type;
    final long pid;
    /** Body fields by number: varints as Long, length-delimited as String (UTF-8). */
    final Map<Integer, List<Object>> body;

    private Wire(int type, long pid, Map<Integer, List<Object>> body) {
        this.type = type;
        this.pid = pid;
        this.body = body;
    }

    static Wire parse(byte[] e) {
        Map<Integer, List<Object>> env = fields(e);
        byte[] body = ((String) env.get(6).get(0)).getBytes(StandardCharsets.ISO_8859_1);
        Map<Integer, List<Object>> b = fields(body);
        Map<Integer, List<Object>> text = new LinkedHashMap<>();
        b.forEach((k, v) -> {
            List<Object> out = new ArrayList<>();
            for (Object x : v) {
                out.add(x instanceof String
                        ? new String(((String) x).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8) : x);
            }
            text.put(k, out);
        });
        return new Wire(((Long) env.get(1).get(0)).intValue(), (Long) env.get(3).get(0), text);
    }

    String string(int field) {
        List<Object> v = body.get(field);
        return v == null ? null : (String) v.get(0);
    }

    @SuppressWarnings("unchecked")
    List<String> strings(int field) {
        List<Object> v = body.getOrDefault(field, List.of());
        return (List<String>) (List<?>) v;
    }

    long number(int field) {
        return (Long) body.get(field).get(0);
    }

    /** Length-delimited values kept as ISO-8859-1 strings so bytes survive. */
    static Map<Integer, List<Object>> fields(byte[] b) {
        Map<Integer, List<Object>> out = new LinkedHashMap<>();
        int[] p = {0};
        while (p[0] < b.length) {
            long tag = varint(b, p);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            Object v;
            if (wire == 0) {
                v = varint(b, p);
            } else if (wire == 2) {
                int n = (int) varint(b, p);
                if (n < 0 || p[0] + n > b.length) {
                    throw new IllegalArgumentException("truncated field " + field);
                }
                v = new String(b, p[0], n, StandardCharsets.ISO_8859_1);
                p[0] += n;
            } else {
                throw new IllegalArgumentException("wire type " + wire);
            }
            out.computeIfAbsent(field, k -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static long varint(byte[] b, int[] p) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[p[0]++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
    }
}
