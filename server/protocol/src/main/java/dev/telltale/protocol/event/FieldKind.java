package dev.telltale.protocol.event;

/** Value kinds of event fields and how each is carried on the wire. */
public enum FieldKind {
    /** Unsigned varint, decoded as {@code Long}. */
    UINT,
    /** Zigzag varint, decoded as {@code Long}. */
    SINT,
    /** Varint 0 or 1, decoded as {@code Boolean}. */
    BOOL,
    /** Length-delimited strict UTF-8, decoded as {@code String}. */
    STRING,
    /** Length-delimited bytes, decoded as {@code byte[]}. */
    BYTES,
    /** Length-delimited nested message, decoded as {@link Msg}. */
    MESSAGE
}
