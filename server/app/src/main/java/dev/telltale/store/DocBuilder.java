package dev.telltale.store;

import dev.telltale.journal.AgentContext;
import dev.telltale.journal.JournalRecord;
import dev.telltale.protocol.WireReader;
import dev.telltale.protocol.WireWriter;
import dev.telltale.protocol.event.FieldDef;
import dev.telltale.protocol.event.FieldKind;
import dev.telltale.protocol.event.Index;
import dev.telltale.protocol.event.Schema;
import dev.telltale.protocol.event.Schemas;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns one journaled event into a Lucene document: context fields (keyword and facet doc
 * values), time as point and doc values, the schema's indexed fields, a free-text field and
 * the stored event. One builder per indexing thread.
 */
final class DocBuilder {
    /**
     * The document layout this builder (with {@link StoreCodec} and {@link WriterSettings})
     * produces, recorded in every partition commit ({@link IndexFormat#LAYOUT_KEY}). Bump it
     * whenever a change alters how documents are shaped (fields added, renamed or indexed
     * differently, another codec): partitions of an older layout are then rebuilt from their
     * stored events in the background at the next start (docs/decisions/0022). Commits written
     * before layouts were recorded count as layout 1.
     */
    static final int LAYOUT = 1;

    /**
     * Free text is for finding events by words: documents only, no frequencies, positions or
     * norms, which would cost a third of indexing time and serve only phrase queries and scoring.
     */
    static final org.apache.lucene.document.FieldType TEXT_TYPE = new org.apache.lucene.document.FieldType();

    static {
        TEXT_TYPE.setTokenized(true);
        TEXT_TYPE.setOmitNorms(true);
        TEXT_TYPE.setIndexOptions(org.apache.lucene.index.IndexOptions.DOCS);
        TEXT_TYPE.freeze();
    }

    private final WireWriter stored = new WireWriter(1024);
    private final StringBuilder text = new StringBuilder(256);
    private final List<BytesRef> seenModules = new ArrayList<>(8);
    /** The last batch's context terms: a batch's documents share one context. */
    private ContextTerms lastContext;
    private final FieldDef moduleField = Schemas.STACK_FRAME.field("stack.module");
    /** Whether a stack frame's module is the only field of it that is indexed. */
    private static final boolean FRAME_INDEXES_MODULE_ONLY = framesIndexModuleOnly();
    private static final int MODULE_TAG = Schemas.STACK_FRAME.field("stack.module").number() << 3 | WireReader.LEN;

    /**
     * The event's full document. Fields are read straight from the stored bytes: keywords
     * point into them, nothing is decoded into objects first.
     */
    List<IndexableField> build(JournalRecord r, int i) {
        byte[] b = r.encoded()[i];
        List<IndexableField> doc = new ArrayList<>(32);
        context(doc, r, i);
        text.setLength(0);
        seenModules.clear();
        WireReader env = new WireReader(b);
        while (env.hasMore()) {
            int tag = env.readTag();
            switch (tag >>> 3) {
                case 3 -> {
                    long pid = env.readVarint();
                    if (pid != 0) {
                        doc.add(new LongPoint(Fields.PID, pid));
                    }
                }
                case 5 -> frame(doc, env);
                case 6 -> walk(doc, env.readMessage(), r.type(i).schema());
                default -> env.skip(tag & 7);
            }
        }
        if (!text.isEmpty()) {
            doc.add(new Field(Fields.TEXT, text.toString(), TEXT_TYPE));
        }
        stored(doc, r, i);
        return doc;
    }

    /**
     * The fallback when Lucene refuses an event's full document: context, time, type and the
     * stored event, so the event is still found by its context and shown whole.
     */
    List<IndexableField> buildMinimal(JournalRecord r, int i) {
        List<IndexableField> doc = new ArrayList<>(16);
        context(doc, r, i);
        doc.add(new StringField(Fields.INDEX_ERROR, "true", Field.Store.NO));
        stored(doc, r, i);
        return doc;
    }

    /** Time, ids, type and the agent's context: what every document has, whatever its event. */
    private void context(List<IndexableField> doc, JournalRecord r, int i) {
        ContextTerms c = contextTerms(r.context());
        long ts = r.timeUs(i);
        long uid = r.firstUid() + i;
        doc.add(new LongPoint(Fields.TS, ts));
        doc.add(new NumericDocValuesField(Fields.TS, ts));
        doc.add(new NumericDocValuesField(Fields.UID, uid));
        keywordFacet(doc, Fields.TYPE, ContextTerms.type(r.type(i)));
        doc.add(new StringField(Fields.TEAM, c.team(), Field.Store.NO));
        keywordFacet(doc, Fields.APP, c.app());
        keywordFacet(doc, Fields.COMPONENT, c.component());
        keywordFacet(doc, Fields.VERSION, c.version());
        keywordFacet(doc, Fields.HOST, c.host());
        doc.add(new StringField(Fields.AGENT, c.agent(), Field.Store.NO));
        doc.add(new LongPoint(Fields.SEQ, r.seq(i)));
    }

    private ContextTerms contextTerms(AgentContext c) {
        if (lastContext == null || lastContext.context() != c) {
            lastContext = ContextTerms.of(c);
        }
        return lastContext;
    }

    private void stored(List<IndexableField> doc, JournalRecord r, int i) {
        stored.reset();
        StoredEvent.encode(stored, r.firstUid() + i, r.seq(i), r.timeUs(i), r.receivedMs(), r.context(), r.encoded()[i]);
        doc.add(new StoredField(Fields.SOURCE, new BytesRef(stored.toByteArray())));
    }

    private static void keywordFacet(List<IndexableField> doc, String name, BytesRef value) {
        doc.add(new StringField(name, value, Field.Store.NO));
        doc.add(new SortedDocValuesField(name, value));
    }

    /** Indexes the fields of one message as its schema says; the bytes were validated at ingest. */
    private void walk(List<IndexableField> doc, WireReader r, Schema schema) {
        while (r.hasMore()) {
            int tag = r.readTag();
            FieldDef f = schema.field(tag >>> 3);
            switch (f.kind()) {
                case MESSAGE -> walk(doc, r.readMessage(), f.messageSchema());
                case UINT, BOOL -> number(doc, f, r.readVarint());
                case SINT -> number(doc, f, r.readSInt());
                case STRING -> {
                    int n = r.readLength();
                    string(doc, f, r.buffer(), r.position(), n);
                    r.skipBytes(n);
                }
                case BYTES -> {
                    int n = r.readLength();
                    if (f.index() == Index.KEYWORD) {
                        doc.add(new StringField(f.name(), HexFormat.of().formatHex(r.buffer(), r.position(), r.position() + n),
                                Field.Store.NO));
                    }
                    r.skipBytes(n);
                }
            }
        }
    }

    /**
     * A stack frame: events carry a dozen, and of their fields only the module is indexed
     * ({@link #FRAME_INDEXES_MODULE_ONLY}), so the rest are skipped without their schema.
     */
    private void frame(List<IndexableField> doc, WireReader env) {
        if (!FRAME_INDEXES_MODULE_ONLY) {
            walk(doc, env.readMessage(), Schemas.STACK_FRAME);
            return;
        }
        int outer = env.enterMessage();
        while (env.hasMore()) {
            int tag = env.readTag();
            if (tag == MODULE_TAG) {
                int n = env.readLength();
                string(doc, moduleField, env.buffer(), env.position(), n);
                env.skipBytes(n);
            } else {
                env.skip(tag & 7);
            }
        }
        env.exitMessage(outer);
    }

    private static boolean framesIndexModuleOnly() {
        FieldDef module = Schemas.STACK_FRAME.field("stack.module");
        return module.kind() == FieldKind.STRING && Schemas.STACK_FRAME.fields().stream()
                .allMatch(f -> f == module || f.index() == Index.NONE);
    }

    private static void number(List<IndexableField> doc, FieldDef f, long v) {
        if (f.index() == Index.NUMBER) {
            doc.add(new LongPoint(f.name(), v));
        }
    }

    private void string(List<IndexableField> doc, FieldDef f, byte[] b, int off, int n) {
        Index idx = f.index();
        if (idx == Index.KEYWORD || idx == Index.KEYWORD_TEXT) {
            BytesRef value = new BytesRef(b, off, n);
            if (f != moduleField || firstModule(value)) {
                doc.add(new StringField(f.name(), value, Field.Store.NO));
            }
        }
        if (idx == Index.TEXT || idx == Index.KEYWORD_TEXT) {
            text.append(new String(b, off, n, StandardCharsets.UTF_8)).append(' ');
        }
    }

    /** Stacks repeat the same few modules; one term per module and event is enough. */
    private boolean firstModule(BytesRef module) {
        // Newest first: neighbouring frames are mostly of the same module.
        for (int k = seenModules.size() - 1; k >= 0; k--) {
            if (seenModules.get(k).bytesEquals(module)) {
                return false;
            }
        }
        seenModules.add(module);
        return true;
    }
}
