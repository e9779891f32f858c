package dev.telltale.evaluation;

import dev.telltale.policy.Finding;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Where findings become alerts: inside the engine's checkpoint transaction, so alerts and the
 * evaluation position commit together. May run again after a lock conflict, so it must only
 * touch the database.
 */
@FunctionalInterface
public interface FindingWriter {
    void record(Connection tx, List<Finding> findings) throws SQLException;
}
