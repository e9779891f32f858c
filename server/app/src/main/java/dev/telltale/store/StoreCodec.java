package dev.telltale.store;

import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene90.compressing.Lucene90CompressingStoredFieldsFormat;

/**
 * Lucene's default codec with zstd-compressed stored fields: every event is stored, and
 * Lucene's LZ4 was a fifth of indexing time. Registered by name (service file); a change of
 * format gets a new name and keeps the old one readable, as {@link StoreCodecV1} is
 * (docs/decisions/0005 and 0033).
 */
public final class StoreCodec extends FilterCodec {
    public static final String NAME = "Telltale2";
    private final StoredFieldsFormat stored = new Lucene90CompressingStoredFieldsFormat(
            "TelltaleStoredFields2", ZstdCompressionMode.INSTANCE, 60 * 1024, 1024, 10);

    public StoreCodec() {
        super(NAME, new Lucene104Codec());
    }

    @Override
    public StoredFieldsFormat storedFieldsFormat() {
        return stored;
    }
}
