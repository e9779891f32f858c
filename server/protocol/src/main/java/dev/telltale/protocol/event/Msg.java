package dev.telltale.protocol.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A decoded message: values by field slot. Scalars are {@code Long}, {@code Boolean},
 * {@code String}, {@code byte[]} or {@link Msg}; repeated fields hold a {@code List}.
 */
public final class Msg {
    private final Schema schema;
    private final Object[] values;

    public Msg(Schema schema) {
        this.schema = schema;
        this.values = new Object[schema.size()];
    }

    public Schema schema() {
        return schema;
    }

    /** The raw value of a field (a List for repeated fields), or null when absent. */
    public Object raw(FieldDef f) {
        return values[f.slot()];
    }

    public Optional<Object> get(String name) {
        return Optional.ofNullable(values[schema.field(name).slot()]);
    }

    public Optional<String> string(String name) {
        return get(name).map(String.class::cast);
    }

    public Optional<Long> number(String name) {
        return get(name).map(Long.class::cast);
    }

    @SuppressWarnings("unchecked")
    public <T> List<T> list(String name) {
        Object v = values[schema.field(name).slot()];
        return v == null ? List.of() : (List<T>) v;
    }

    /** Sets a scalar field, or appends to a repeated one. Returns this message. */
    public Msg set(String name, Object value) {
        return set(schema.field(name), value);
    }

    @SuppressWarnings("unchecked")
    public Msg set(FieldDef f, Object value) {
        if (f.repeated()) {
            List<Object> l = (List<Object>) values[f.slot()];
            if (l == null) {
                l = new ArrayList<>(4);
                values[f.slot()] = l;
            }
            if (value instanceof List<?> many) {
                l.addAll(many);
            } else {
                l.add(value);
            }
        } else {
            values[f.slot()] = value;
        }
        return this;
    }

    /** Replaces a field's whole value (a List for repeated fields). */
    public void replace(FieldDef f, Object value) {
        values[f.slot()] = value;
    }
}
