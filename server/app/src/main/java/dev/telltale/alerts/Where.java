package dev.telltale.alerts;

import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A query whose conditions are added as filters ask for them, with the parameters kept in step.
 * Only constant SQL is appended; every value is a parameter.
 */
final class Where {
    final StringBuilder sql;
    private final List<Object> params = new ArrayList<>();

    Where(StringBuilder sql) {
        this.sql = sql;
    }

    void and(String condition, Object... values) {
        sql.append(" AND ").append(condition);
        Collections.addAll(params, values);
    }

    /** {@code AND column IN (?, ...)}; nothing for an empty list. */
    void in(String column, List<?> values) {
        if (values.isEmpty()) {
            return;
        }
        sql.append(" AND ").append(column).append(" IN (").append(String.join(", ", Collections.nCopies(values.size(), "?")))
                .append(')');
        params.addAll(values);
    }

    PreparedStatement prepare(Connection c) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql.toString());
        try {
            for (int i = 0; i < params.size(); i++) {
                Object v = params.get(i);
                switch (v) {
                    case Long l -> ps.setLong(i + 1, l);
                    case String s -> ps.setString(i + 1, s);
                    case Instant t -> Sql.setInstant(ps, i + 1, t);
                    default -> throw new IllegalArgumentException("unsupported parameter " + v.getClass());
                }
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }
}
