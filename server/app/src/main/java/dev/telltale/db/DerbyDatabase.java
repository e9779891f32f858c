package dev.telltale.db;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Embedded Derby under {@code DATA/derby}. Connections are opened per call: embedded Derby
 * connections are cheap in-process objects, so a pool would add state without saving work.
 */
final class DerbyDatabase implements Database {

    private static final System.Logger LOG = System.getLogger(DerbyDatabase.class.getName());
    /** Derby's answer to a successful single-database shutdown. */
    private static final String DATABASE_SHUT_DOWN = "08006";
    /** Derby's answer to a successful whole-engine shutdown. */
    private static final String SYSTEM_SHUT_DOWN = "XJ015";
    /** Another JVM holds the database's lock file. */
    private static final String ALREADY_BOOTED_ELSEWHERE = "XSDB6";

    private final DataSource dataSource;
    private final String databaseName;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DerbyDatabase(EmbeddedDataSource embedded, String databaseName) {
        this.dataSource = new GuardedDataSource(embedded, closed, databaseName);
        this.databaseName = databaseName;
    }

    static Database open(Path dataDir) {
        Path data = dataDir.toAbsolutePath();
        Path logs = data.resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new DatabaseException("cannot create the log directory " + logs, e);
        }
        // Read once when the Derby engine boots, i.e. at the first connection in this JVM;
        // without it Derby writes ./derby.log wherever the process happens to start.
        System.setProperty("derby.stream.error.file", logs.resolve("derby.log").toString());
        // Derby's automatic index statistics rescan every index of a table each time it has grown
        // by a factor of e; under ingest the alert and inventory tables grow by thousands of rows a
        // second, and that daemon took 12 % of the appliance's CPU (decision 26). An operator's
        // -Dderby.storage.indexStats.auto=true still wins.
        if (System.getProperty("derby.storage.indexStats.auto") == null) {
            System.setProperty("derby.storage.indexStats.auto", "false");
        }

        String name = data.resolve("derby").toString();
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(name);
        ds.setCreateDatabase("create");
        try (Connection ignored = ds.getConnection()) {
            // Connecting boots the database, creating it on first start.
        } catch (SQLException e) {
            String hint = Sql.hasState(e, ALREADY_BOOTED_ELSEWHERE) ? " (another process has it open)" : "";
            throw new DatabaseException("cannot open the Derby database at " + name + hint, e);
        }
        // After the first connection the database exists; do not create it again silently.
        ds.setCreateDatabase(null);
        DerbyDatabase db = new DerbyDatabase(ds, name);
        try {
            migrate(db.dataSource);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static void migrate(DataSource ds) {
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new DatabaseException("database migration failed: " + e.getMessage(), e);
        }
    }

    /** The same data source for the life of this object; it refuses connections after {@link #close}. */
    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public Path backupInto(Path parent) {
        try (Connection c = dataSource.getConnection();
             java.sql.CallableStatement s = c.prepareCall("CALL SYSCS_UTIL.SYSCS_BACKUP_DATABASE(?)")) {
            s.setString(1, parent.toAbsolutePath().toString());
            s.execute();
        } catch (SQLException e) {
            throw new DatabaseException("Derby backup into " + parent + " failed", e);
        }
        // Derby names the copy after the last element of the database's path.
        return parent.resolve(Path.of(databaseName).getFileName());
    }

    @Override
    public String schemaVersion() {
        try {
            var current = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load()
                    .info().current();
            return current == null ? "0" : current.getVersion().getVersion();
        } catch (FlywayException e) {
            throw new DatabaseException("cannot read the schema version: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean healthy() {
        if (closed.get()) {
            return false;
        }
        try (Connection c = dataSource.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("VALUES 1")) {
            return rs.next() && rs.getInt(1) == 1;
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "database health probe failed", e);
            return false;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // A separate data source so the shared one never carries the shutdown attribute.
        EmbeddedDataSource shutdown = new EmbeddedDataSource();
        shutdown.setDatabaseName(databaseName);
        shutdown.setShutdownDatabase("shutdown");
        try (Connection ignored = shutdown.getConnection()) {
            LOG.log(System.Logger.Level.WARNING, "Derby did not report shutdown of " + databaseName);
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (!DATABASE_SHUT_DOWN.equals(state) && !SYSTEM_SHUT_DOWN.equals(state)) {
                throw new DatabaseException("Derby shutdown of " + databaseName + " failed", e);
            }
        }
    }
}
