package dev.telltale.protocol.event;

import java.util.Objects;

/**
 * One field of a message schema: its wire number, its name (also the search field name,
 * see docs/protocol.md), kind, cardinality, whether it is required and how it is indexed.
 */
public final class FieldDef {
    private final int number;
    private final String name;
    private final FieldKind kind;
    private final boolean repeated;
    private final boolean required;
    private final Index index;
    private final Schema message;
    private final int maxBytes;
    private final int maxItems;
    private int slot = -1;
    /** The wire type every value of this field must have (0 varint, 2 length-delimited). */
    private final int wireType;

    private FieldDef(int number, String name, FieldKind kind, boolean repeated, boolean required,
                     Index index, Schema message, int maxBytes, int maxItems) {
        if (number < 1 || number > 63) {
            throw new IllegalArgumentException("field number out of range: " + number);
        }
        this.number = number;
        this.name = Objects.requireNonNull(name);
        this.kind = Objects.requireNonNull(kind);
        this.repeated = repeated;
        this.required = required;
        this.index = index;
        this.message = message;
        this.maxBytes = maxBytes;
        this.maxItems = maxItems;
        this.wireType = switch (kind) {
            case UINT, SINT, BOOL -> 0;
            default -> 2;
        };
    }

    static FieldDef of(int number, String name, FieldKind kind) {
        return new FieldDef(number, name, kind, false, false, Index.NONE, null, 65536, 1);
    }

    static FieldDef message(int number, String name, Schema schema) {
        return new FieldDef(number, name, FieldKind.MESSAGE, false, false, Index.NONE, schema, 1 << 24, 1);
    }

    FieldDef required() {
        return copy(repeated, true, index, maxBytes, maxItems);
    }

    FieldDef repeated(int maxItems) {
        return copy(true, required, index, maxBytes, maxItems);
    }

    FieldDef index(Index idx) {
        return copy(repeated, required, idx, maxBytes, maxItems);
    }

    FieldDef maxBytes(int max) {
        return copy(repeated, required, index, max, maxItems);
    }

    private FieldDef copy(boolean rep, boolean req, Index idx, int maxB, int maxI) {
        return new FieldDef(number, name, kind, rep, req, idx, message, maxB, maxI);
    }

    void slot(int s) {
        this.slot = s;
    }

    public int number() {
        return number;
    }

    public String name() {
        return name;
    }

    public FieldKind kind() {
        return kind;
    }

    public boolean repeated() {
        return repeated;
    }

    public boolean isRequired() {
        return required;
    }

    public Index index() {
        return index;
    }

    /** The nested schema of a MESSAGE field; null otherwise (package-internal use only). */
    public Schema messageSchema() {
        return message;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public int maxItems() {
        return maxItems;
    }

    public int slot() {
        return slot;
    }

    /** The wire type every value of this field must have: 0 (varint) or 2 (length-delimited). */
    int wireType() {
        return wireType;
    }
}
