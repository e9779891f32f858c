package dev.telltale.sca;

import dev.telltale.protocol.event.Msg;
import dev.telltale.store.EventHit;
import dev.telltale.store.EventQuery;
import dev.telltale.store.EventStore;
import dev.telltale.store.Scope;
import dev.telltale.store.SearchPage;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What the Java agent saw of a vulnerable package's code in a component version: the classes the
 * JVM loaded from it and, where method tracing was on (docs/java-agent.md), the methods that ran.
 * Read from the {@code java_method} events in the store, so it covers what retention keeps.
 */
public final class CodeUsage {
    /** Names kept for display; the counts go on past them. */
    static final int SHOWN = 500;
    /** Events read for one finding (a run sends a few per package and interval). */
    static final int MAX_EVENTS = 20_000;
    private final EventStore store;
    private final Clock clock;

    public CodeUsage(EventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The package's classes loaded and methods executed, sorted; {@code classCount} and
     * {@code methodCount} count every distinct name seen, {@code complete} is false when more
     * events existed than were read.
     */
    public record Usage(List<String> classes, int classCount, List<String> methods, int methodCount, boolean complete) {
        public Usage {
            classes = List.copyOf(classes);
            methods = List.copyOf(methods);
        }
    }

    /**
     * The usage of {@code finding}'s package in its component version (Maven packages only; other
     * ecosystems have no Java agent data and get an empty usage).
     *
     * @throws dev.telltale.store.StoreException when the store cannot be searched
     */
    public Usage of(Sca.VulnFinding finding) {
        if (!"Maven".equals(finding.ecosystem())) {
            return new Usage(List.of(), 0, List.of(), 0, true);
        }
        String q = "type:java_method AND purl:" + quote(finding.purl()) + " AND app:" + quote(finding.application())
                + " AND component:" + quote(finding.component()) + " AND version:" + quote(finding.version());
        TreeSet<String> classes = new TreeSet<>();
        TreeSet<String> methods = new TreeSet<>();
        Optional<dev.telltale.store.Cursor> after = Optional.empty();
        int read = 0;
        boolean complete = true;
        long now = clock.millis() * 1000 + 999_999;
        do {
            SearchPage page = store.search(new EventQuery(q, 0, now, EventQuery.MAX_LIMIT, after,
                    Scope.teams(java.util.Set.of(finding.teamId()))));
            for (EventHit h : page.hits()) {
                add(h.event().body(), classes, methods);
            }
            read += page.hits().size();
            after = page.next();
            if (after.isPresent() && read >= MAX_EVENTS) {
                complete = false;
                break;
            }
        } while (after.isPresent());
        return new Usage(first(classes), classes.size(), first(methods), methods.size(), complete);
    }

    /** Class usage events name classes ({@code class = *}); traced ones name one class's methods. */
    private static void add(Msg body, TreeSet<String> classes, TreeSet<String> methods) {
        String cls = body.string("class").orElse("*");
        List<String> names = body.list("methods");
        if (cls.equals("*")) {
            classes.addAll(names);
        } else {
            classes.add(cls);
            for (String m : names) {
                methods.add(cls + "." + m);
            }
        }
    }

    private static List<String> first(TreeSet<String> names) {
        return names.stream().limit(SHOWN).toList();
    }

    /** A Lucene query-syntax phrase: the value as one term of a keyword field. */
    static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
