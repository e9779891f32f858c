package dev.telltale.db;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Refuses connections once the database is closed. Without it a late caller holding the data
 * source would silently boot the embedded database again after shutdown.
 */
final class GuardedDataSource implements DataSource {

    private final DataSource delegate;
    private final AtomicBoolean closed;
    private final String name;

    GuardedDataSource(DataSource delegate, AtomicBoolean closed, String name) {
        this.delegate = delegate;
        this.closed = closed;
        this.name = name;
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        checkOpen();
        return delegate.getConnection(username, password);
    }

    private void checkOpen() throws SQLException {
        if (closed.get()) {
            throw new SQLException("database " + name + " is closed", "08003");
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
