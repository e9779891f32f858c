package dev.telltale.protocol.event;

import java.util.List;

/** A message schema: fields by wire number. Immutable once built. */
public final class Schema {
    private final String name;
    private final List<FieldDef> fields;
    private final FieldDef[] byNumber;
    /** One bit per required field's slot: what a message must have seen. */
    private final long requiredSlots;

    Schema(String name, FieldDef... fields) {
        this.name = name;
        this.fields = List.of(fields);
        if (fields.length > 63) {
            throw new IllegalStateException(name + ": validation tracks at most 63 fields per message");
        }
        int max = 0;
        for (FieldDef f : fields) {
            max = Math.max(max, f.number());
        }
        byNumber = new FieldDef[max + 1];
        int slot = 0;
        for (FieldDef f : fields) {
            if (byNumber[f.number()] != null) {
                throw new IllegalStateException(name + ": duplicate field number " + f.number());
            }
            f.slot(slot++);
            byNumber[f.number()] = f;
        }
        long req = 0;
        for (FieldDef f : fields) {
            if (f.isRequired()) {
                req |= 1L << f.slot();
            }
        }
        requiredSlots = req;
    }

    /** The slots ({@link FieldDef#slot()}) of the required fields, one bit each. */
    long requiredSlots() {
        return requiredSlots;
    }

    public String name() {
        return name;
    }

    public List<FieldDef> fields() {
        return fields;
    }

    /** The field with this wire number, or null when the schema has none. */
    public FieldDef field(int number) {
        return number > 0 && number < byNumber.length ? byNumber[number] : null;
    }

    public FieldDef field(String fieldName) {
        for (FieldDef f : fields) {
            if (f.name().equals(fieldName)) {
                return f;
            }
        }
        throw new IllegalArgumentException(name + " has no field " + fieldName);
    }

    public int size() {
        return fields.size();
    }
}
