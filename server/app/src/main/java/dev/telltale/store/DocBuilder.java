package dev.telltale.store;

import dev.telltale.journal.AgentContext;
import dev.telltale.journal.JournalRecord;
import dev.telltale.protocol.WireWriter;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.FieldDef;
import dev.telltale.protocol.event.Index;
import dev.telltale.protocol.event.Msg;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;

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
    private final List<String> seenModules = new ArrayList<>(8);

    List<IndexableField> build(JournalRecord r, int i) {
        Event e = r.events()[i];
        List<IndexableField> doc = new ArrayList<>(32);
        context(doc, r, i);
        if (e.pid() != 0) {
            doc.add(new LongPoint(Fields.PID, e.pid()));
        }
        text.setLength(0);
        seenModules.clear();
        for (Msg frame : e.stack()) {
            addFields(doc, frame);
        }
        addFields(doc, e.body());
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
    private static void context(List<IndexableField> doc, JournalRecord r, int i) {
        AgentContext c = r.context();
        long ts = r.timeUs(i);
        long uid = r.firstUid() + i;
        doc.add(new LongPoint(Fields.TS, ts));
        doc.add(new NumericDocValuesField(Fields.TS, ts));
        doc.add(new NumericDocValuesField(Fields.UID, uid));
        doc.add(new LongPoint(Fields.UID, uid));
        keywordFacet(doc, Fields.TYPE, r.events()[i].type().id());
        doc.add(new StringField(Fields.TEAM, Long.toString(c.teamId()), Field.Store.NO));
        keywordFacet(doc, Fields.APP, c.application());
        keywordFacet(doc, Fields.COMPONENT, c.component());
        keywordFacet(doc, Fields.VERSION, c.version());
        keywordFacet(doc, Fields.HOST, c.hostname());
        doc.add(new StringField(Fields.AGENT, Long.toString(c.agentId()), Field.Store.NO));
        doc.add(new LongPoint(Fields.SEQ, r.seq(i)));
    }

    private void stored(List<IndexableField> doc, JournalRecord r, int i) {
        stored.reset();
        StoredEvent.encode(stored, r.firstUid() + i, r.seq(i), r.timeUs(i), r.receivedMs(), r.context(), r.encoded()[i]);
        doc.add(new StoredField(Fields.SOURCE, new BytesRef(stored.toByteArray())));
    }

    private static void keywordFacet(List<IndexableField> doc, String name, String value) {
        doc.add(new StringField(name, value, Field.Store.NO));
        doc.add(new SortedDocValuesField(name, new BytesRef(value)));
    }

    private void addFields(List<IndexableField> doc, Msg m) {
        for (FieldDef f : m.schema().fields()) {
            Object v = m.raw(f);
            if (v == null) {
                continue;
            }
            if (f.messageSchema() != null) {
                if (f.repeated()) {
                    for (Object item : (List<?>) v) {
                        addFields(doc, (Msg) item);
                    }
                } else {
                    addFields(doc, (Msg) v);
                }
                continue;
            }
            if (f.index() == Index.NONE) {
                continue;
            }
            if (f.repeated()) {
                for (Object item : (List<?>) v) {
                    addValue(doc, f, item);
                }
            } else {
                addValue(doc, f, v);
            }
        }
    }

    private void addValue(List<IndexableField> doc, FieldDef f, Object v) {
        switch (f.index()) {
            case NUMBER -> doc.add(new LongPoint(f.name(), ((Number) v).longValue()));
            case KEYWORD, KEYWORD_TEXT -> {
                String s = v instanceof byte[] b ? HexFormat.of().formatHex(b) : v.toString();
                if (!"stack.module".equals(f.name()) || firstModule(s)) {
                    doc.add(new StringField(f.name(), s, Field.Store.NO));
                }
                if (f.index() == Index.KEYWORD_TEXT) {
                    text.append(s).append(' ');
                }
            }
            case TEXT -> text.append(v).append(' ');
            default -> {
            }
        }
    }

    /** Stacks repeat the same few modules; one term per module and event is enough. */
    private boolean firstModule(String module) {
        if (seenModules.contains(module)) {
            return false;
        }
        seenModules.add(module);
        return true;
    }
}
