package dev.telltale.store;

import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.compressing.CompressionMode;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene90.compressing.Lucene90CompressingStoredFieldsFormat;

/**
 * The store's first codec (plain LZ4 stored fields), kept so segments written before
 * {@link StoreCodec} stay readable; merges rewrite them with the current codec
 * (docs/decisions/0005 and 0033). Never written by this version.
 */
public final class StoreCodecV1 extends FilterCodec {
    public static final String NAME = "Telltale1";
    private final StoredFieldsFormat stored =
            new Lucene90CompressingStoredFieldsFormat("TelltaleStoredFields1", CompressionMode.FAST, 60 * 1024, 1024, 10);

    public StoreCodecV1() {
        super(NAME, new Lucene104Codec());
    }

    @Override
    public StoredFieldsFormat storedFieldsFormat() {
        return stored;
    }
}
