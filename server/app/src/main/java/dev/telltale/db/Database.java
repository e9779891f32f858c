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

    /** Cheap liveness probe for the health endpoint. */
    boolean healthy();

    /** Shuts Derby down cleanly. */
    @Override
    void close();
}
