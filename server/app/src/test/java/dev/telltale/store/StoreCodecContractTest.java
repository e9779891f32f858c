package dev.telltale.store;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.tests.index.BaseStoredFieldsFormatTestCase;

/**
 * Lucene's contract suite for stored-fields formats (random documents and field types, large
 * and empty documents, concurrent reads, merges across formats, I/O failures injected
 * mid-write) against the store's codec.
 */
public class StoreCodecContractTest extends BaseStoredFieldsFormatTestCase {
    @Override
    protected Codec getCodec() {
        return new StoreCodec();
    }
}
