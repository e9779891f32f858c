package dev.telltale.store;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.queryparser.flexible.core.QueryNodeException;
import org.apache.lucene.queryparser.flexible.standard.StandardQueryParser;
import org.apache.lucene.queryparser.flexible.standard.config.PointsConfig;
import org.apache.lucene.queryparser.flexible.standard.config.StandardQueryConfigHandler;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;

import java.text.NumberFormat;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lucene query syntax over the store's fields. Terms without a field search the free text;
 * keyword fields match exactly (wildcards allowed); numeric fields take exact values and
 * ranges ({@code lport:[1 TO 1023]}). Unquoted paths after a field name
 * ({@code path:/etc/shadow}) are taken as paths, not regular expressions.
 */
final class QueryParsing {
    private static final Analyzer ANALYZER = new PerFieldAnalyzerWrapper(new KeywordAnalyzer(),
            Map.of(Fields.TEXT, new TextAnalyzer()));
    private static final Pattern FIELD_PATH = Pattern.compile("(?<![\\w.\\\\])([A-Za-z_][\\w.]*):(/[^\\s()\"\\[\\]{}]*)");
    private static final Map<String, PointsConfig> POINTS = new HashMap<>();

    static {
        for (String f : Fields.NUMBERS) {
            POINTS.put(f, new PointsConfig(NumberFormat.getIntegerInstance(Locale.ROOT), Long.class));
        }
    }

    private QueryParsing() {
    }

    static Analyzer analyzer() {
        return ANALYZER;
    }

    /** @throws BadQueryException with the parser's message */
    static Query parse(String text) {
        if (text.isBlank()) {
            return MatchAllDocsQuery.INSTANCE;
        }
        StandardQueryParser parser = new StandardQueryParser(ANALYZER);
        parser.setAllowLeadingWildcard(true);
        parser.setDefaultOperator(StandardQueryConfigHandler.Operator.AND);
        parser.setPointsConfigMap(POINTS);
        try {
            return parser.parse(escapePaths(text), Fields.TEXT);
        } catch (QueryNodeException | RuntimeException e) {
            throw new BadQueryException("cannot parse query: " + message(e));
        }
    }

    static String escapePaths(String text) {
        Matcher m = FIELD_PATH.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            if (!Fields.KEYWORDS.contains(m.group(1))) {
                continue;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + ":" + m.group(2).replace("/", "\\/")));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String message(Exception e) {
        String msg = e.getMessage();
        if (e instanceof QueryNodeException q && q.getMessageObject() != null) {
            msg = q.getLocalizedMessage();
        }
        return msg == null ? e.getClass().getSimpleName() : msg;
    }
}
