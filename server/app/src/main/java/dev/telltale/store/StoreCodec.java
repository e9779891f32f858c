package dev.telltale.store;

import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.compressing.CompressionMode;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene90.compressing.Lucene90CompressingStoredFieldsFormat;

/**
 * Lucene's default codec with plain LZ4 for stored fields instead of LZ4 with a preset
 * dictionary: every event is stored, so stored-field compression was a fifth of indexing
 * time. Registered by name (service file); a future change of format gets a new name and
 * keeps this one readable (docs/decisions/0005-store-codec.md).
 */
public final class StoreCodec extends FilterCodec {
    public static final String NAME = "Telltale1";
    private final StoredFieldsFormat stored =
            new Lucene90CompressingStoredFieldsFormat("TelltaleStoredFields1", CompressionMode.FAST, 60 * 1024, 1024, 10);

    public StoreCodec() {
        super(NAME, new Lucene104Codec());
    }

    @Override
    public StoredFieldsFormat storedFieldsFormat() {
        return stored;
    }
}
