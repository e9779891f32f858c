package dev.telltale.store;

import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.FieldDef;
import dev.telltale.protocol.event.Index;
import dev.telltale.protocol.event.Schema;
import dev.telltale.protocol.event.Schemas;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Search field names of the store: the context fields every event carries plus the indexed
 * fields of the event schemas. A name has one meaning everywhere, checked at class load.
 */
final class Fields {
    static final String TS = "ts";
    static final String UID = "_uid";
    static final String TYPE = "type";
    static final String TEAM = "team";
    static final String APP = "app";
    static final String COMPONENT = "component";
    static final String VERSION = "version";
    static final String HOST = "host";
    static final String AGENT = "agent";
    static final String SEQ = "seq";
    static final String PID = "pid";
    static final String TEXT = "text";
    static final String SOURCE = "_src";
    /** Marks events whose full document Lucene refused; they keep their context and stored form. */
    static final String INDEX_ERROR = "_index_error";

    /** Names the store uses for its own purposes; no event field may have them. */
    static final Set<String> INTERNAL = Set.of(UID, SOURCE, INDEX_ERROR, TEXT);

    /** Context keyword fields that carry sorted doc values for facets. */
    static final Set<String> FACETS = Set.of(TYPE, APP, COMPONENT, VERSION, HOST);

    /** Every keyword field and every numeric field, by name. */
    static final Set<String> KEYWORDS;
    static final Set<String> NUMBERS;

    static {
        Map<String, Index> kinds = new TreeMap<>();
        for (String k : new String[]{TYPE, TEAM, APP, COMPONENT, VERSION, HOST, AGENT}) {
            kinds.put(k, Index.KEYWORD);
        }
        kinds.put(TS, Index.NUMBER);
        kinds.put(SEQ, Index.NUMBER);
        kinds.put(PID, Index.NUMBER);
        collect(Schemas.STACK_FRAME, kinds);
        for (EventType t : EventType.values()) {
            collect(t.schema(), kinds);
        }
        Set<String> kw = new TreeSet<>();
        Set<String> num = new TreeSet<>();
        kinds.forEach((name, idx) -> {
            if (idx == Index.NUMBER) {
                num.add(name);
            } else if (idx == Index.KEYWORD || idx == Index.KEYWORD_TEXT) {
                kw.add(name);
            }
        });
        KEYWORDS = Collections.unmodifiableSet(kw);
        NUMBERS = Collections.unmodifiableSet(num);
    }

    private Fields() {
    }

    private static void collect(Schema schema, Map<String, Index> kinds) {
        for (FieldDef f : schema.fields()) {
            if (f.messageSchema() != null) {
                collect(f.messageSchema(), kinds);
                continue;
            }
            if (INTERNAL.contains(f.name())) {
                throw new IllegalStateException("event field " + f.name() + " reuses an internal field name");
            }
            if (f.index() == Index.NONE || f.index() == Index.TEXT) {
                continue;
            }
            Index idx = f.index() == Index.KEYWORD_TEXT ? Index.KEYWORD : f.index();
            Index previous = kinds.putIfAbsent(f.name(), idx);
            if (previous != null && previous != idx) {
                throw new IllegalStateException("search field " + f.name() + " is both " + previous + " and " + idx);
            }
        }
    }
}
