package dev.telltale.ui.events;

/**
 * Refining a Lucene query by a facet value: {@code field:"value"} with the value quoted and
 * escaped (values come from agents: spaces, quotes, slashes, wildcards and Lucene operators
 * must all stay literal), joined to the query with AND, and taken out again.
 */
final class QueryText {
    private QueryText() {
    }

    /** {@code field:"value"}, matching exactly that value. */
    static String clause(String field, String value) {
        StringBuilder sb = new StringBuilder(field.length() + value.length() + 4).append(field).append(":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    /** Whether the query already holds {@code clause}. */
    static boolean has(String q, String clause) {
        return q.contains(clause);
    }

    /** The query narrowed by {@code clause}; an OR in the query is kept together in parentheses. */
    static String add(String q, String clause) {
        String t = q.trim();
        if (t.isEmpty()) {
            return clause;
        }
        boolean alternatives = t.contains(" OR ") || t.contains("||");
        return (alternatives ? "(" + t + ")" : t) + " AND " + clause;
    }

    /** The query without {@code clause} and the AND that joined it. */
    static String remove(String q, String clause) {
        String t = q.replace(" AND " + clause, "").replace(clause + " AND ", "").replace(clause, "").trim();
        return t.replaceAll("\\s{2,}", " ");
    }
}
