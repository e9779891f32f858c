package dev.telltale.db;

import javax.sql.DataSource;
import java.nio.file.Path;

/**
 * The appliance's relational state: embedded Derby under {@code DATA/derby}, schema owned by
 * Flyway migrations in {@code db/migration}. Derby's own log goes to {@code DATA/logs/derby.log}.
 */
public interface Database extends AutoCloseable {

    /** Opens (creating on first start) and migrates the database under {@code dataDir}. */
    static Database open(Path dataDir) {
        return DerbyDatabase.open(dataDir);
    }

    DataSource dataSource();

    /**
     * Derby's online backup: a transaction-consistent copy of the running database written
     * to {@code parent/derby} (the name of the database directory under the data directory);
     * writes go on meanwhile. Returns the copy's directory.
     *
     * @throws DatabaseException when the backup fails
     */
    Path backupInto(Path parent);

    /** The version of the latest Flyway migration applied (e.g. {@code "21"}). */
    String schemaVersion();

    /** Cheap liveness probe for the health endpoint. */
    boolean healthy();

    /** Shuts Derby down cleanly. */
    @Override
    void close();
}
