package dev.telltale.ingest;

import dev.telltale.agents.Agents;
import dev.telltale.auth.RunTokens;
import dev.telltale.journal.Journal;
import dev.telltale.metrics.Metrics;
import dev.telltale.secrets.SecretHasher;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The agent ingestion listener: TLS 1.3 only, the protocol of docs/protocol.md. Batches are
 * acknowledged only after the journal made them durable.
 */
public interface IngestServer extends AutoCloseable {

    /**
     * Binds and starts the listener.
     *
     * @throws IngestException when the port cannot be bound or TLS cannot be set up
     */
    static IngestServer start(IngestConfig config, PrivateKey key, List<X509Certificate> chain, RunTokens runTokens,
                              Agents agents, Journal journal, SecretHasher hasher, Metrics metrics, String serverVersion,
                              Admission admission, TraceTargets traceTargets) {
        return NettyIngestServer.start(config, key, chain, runTokens, agents, journal, hasher, metrics, serverVersion,
                admission, traceTargets);
    }

    /**
     * From now on only {@code admission} opens sessions; when it is restricted, live sessions of
     * other run tokens are told the appliance is going away (their agents spool and retry).
     *
     * <p>When {@code admission} is restricted this returns only once the connection of every
     * session it does not admit is closed (or, for a connection that cannot even be closed, after
     * about 20 s, which is logged). No such session can acknowledge anything after that, so every
     * batch any of them acknowledged is in the journal before this returns: a backup begun
     * afterwards holds everything acknowledged, and what was read but not acknowledged is sent
     * again by its agent, which keeps what it has no ACK for. Sessions still registering when
     * this is called look at the admission again before their WELCOME and are refused.
     * Must not be called on an ingestion event loop.
     */
    void admit(Admission admission);

    /**
     * Presents {@code chain} with {@code key} to connections accepted from now on; established
     * connections keep their session.
     *
     * @throws IngestException when the key and chain cannot make a TLS context (nothing changes then)
     */
    void reloadTls(PrivateKey key, List<X509Certificate> chain);

    /** The bound port (useful when configured as 0). */
    int port();

    int connections();

    /** Tells live sessions the appliance is going away and closes the listener. */
    @Override
    void close();
}
