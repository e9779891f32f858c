package dev.telltale.db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Calendar;
import java.util.Optional;
import java.util.TimeZone;

/**
 * JDBC helpers shared by the feature stores: transactions with retry on lock conflicts,
 * SQL state checks, and UTC timestamps.
 *
 * <p>TIMESTAMP columns hold UTC wall-clock time. Reading and writing them through these
 * helpers keeps values independent of the JVM's time zone and its daylight-saving gaps.
 */
public final class Sql {

    /** Unique or primary key violation (SQL standard; Derby and PostgreSQL agree). */
    public static final String DUPLICATE_KEY = "23505";
    /** Foreign key violation. */
    public static final String FOREIGN_KEY = "23503";
    private static final int ATTEMPTS = 10;

    private Sql() {
    }

    /** Work done inside one transaction. It may run more than once, so it must only touch the database. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction and commits it. Deadlocks and lock timeouts are
     * retried from the start a few times; any other failure rolls back.
     *
     * @throws DatabaseException when the work or the commit fails, the cause being the SQLException
     */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c, e);
                    throw e;
                }
            } catch (SQLException e) {
                if (!isLockConflict(e)) {
                    throw new DatabaseException("database operation failed: " + e.getMessage(), e);
                }
                last = e;
                backOff(attempt);
            }
        }
        throw new DatabaseException("database operation failed after " + ATTEMPTS + " lock conflicts", last);
    }

    /** Randomized, growing pause so that transactions which deadlocked do not collide again in step. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 10L * attempt + 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while retrying a transaction", null);
        }
    }

    /** True when {@code e} or one of its chained exceptions has the given SQL state. */
    public static boolean hasState(SQLException e, String sqlState) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (sqlState.equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** True for a unique or primary key violation. */
    public static boolean isDuplicateKey(SQLException e) {
        return hasState(e, DUPLICATE_KEY);
    }

    // 40001 deadlock (standard), 40XL1/40XL2 Derby lock timeout; PostgreSQL's 40P01 deadlock.
    private static boolean isLockConflict(SQLException e) {
        return hasState(e, "40001") || hasState(e, "40XL1") || hasState(e, "40XL2") || hasState(e, "40P01");
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Binds an instant as UTC wall-clock time. */
    public static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        ps.setTimestamp(index, Timestamp.from(value), utc());
    }

    /** Binds an optional instant, SQL NULL when empty. */
    public static void setInstant(PreparedStatement ps, int index, Optional<Instant> value) throws SQLException {
        if (value.isPresent()) {
            setInstant(ps, index, value.get());
        } else {
            ps.setNull(index, Types.TIMESTAMP);
        }
    }

    /** Reads a TIMESTAMP column written by {@link #setInstant}; empty for SQL NULL. */
    public static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column, utc());
        return ts == null ? Optional.empty() : Optional.of(ts.toInstant());
    }

    /** The generated identity of the row just inserted with {@code RETURN_GENERATED_KEYS}. */
    public static long generatedId(PreparedStatement ps) throws SQLException {
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("insert returned no generated key");
            }
            return keys.getLong(1);
        }
    }

    // A fresh calendar per call: JDBC drivers may mutate it, so it cannot be shared.
    private static Calendar utc() {
        return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    }
}
