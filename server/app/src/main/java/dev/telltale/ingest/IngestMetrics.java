package dev.telltale.ingest;

import dev.telltale.metrics.Metrics;

import java.util.concurrent.atomic.AtomicInteger;

/** The ingestion listener's counters. */
final class IngestMetrics {
    final AtomicInteger connections = new AtomicInteger();
    private final Metrics.Counter accepted;
    private final Metrics.Counter refused;
    private final Metrics.Counter frames;
    private final Metrics.Counter bytes;
    private final Metrics.Counter events;
    private final Metrics.Counter rejected;
    private final Metrics.Counter acked;
    private final Metrics.Counter errors;
    private final Metrics.Counter sessions;
    private final Metrics.Counter authFailures;
    private final Metrics.Counter journalPauses;

    IngestMetrics(Metrics m) {
        m.gauge("telltale_ingest_connections", "Open agent connections", connections::get);
        accepted = m.counter("telltale_ingest_connections_total", "Agent connections accepted");
        refused = m.counter("telltale_ingest_connections_refused_total",
                "Connections refused (TLS handshake failed, too many connections)");
        frames = m.counter("telltale_ingest_frames_total", "Frames received from agents");
        bytes = m.counter("telltale_ingest_bytes_total", "Frame bytes received from agents (after TLS)");
        events = m.counter("telltale_ingest_events_received_total", "Events received in batches");
        rejected = m.counter("telltale_ingest_events_rejected_total", "Events refused for breaking the schema");
        acked = m.counter("telltale_ingest_events_acked_total", "Sequence numbers acknowledged to agents");
        errors = m.counter("telltale_ingest_errors_sent_total", "ERROR frames sent to agents");
        sessions = m.counter("telltale_ingest_sessions_total", "Agent sessions established (WELCOME sent)");
        authFailures = m.counter("telltale_ingest_auth_failures_total", "HELLOs refused for an invalid or revoked run token");
        journalPauses = m.counter("telltale_ingest_journal_pauses_total",
                "Times a connection stopped reading because the journal's queue was full (backpressure)");
    }

    void connectionAccepted() {
        accepted.inc();
    }

    void pausedForJournal() {
        journalPauses.inc();
    }

    void connectionRefused() {
        refused.inc();
    }

    void frameReceived(int size) {
        frames.inc();
        bytes.add(size);
    }

    void batchReceived(int count, int rejectedCount) {
        events.add(count);
        rejected.add(rejectedCount);
    }

    void acked(long n) {
        acked.add(n);
    }

    void errorSent() {
        errors.inc();
    }

    void sessionStarted() {
        sessions.inc();
    }

    void authFailed() {
        authFailures.inc();
    }
}
