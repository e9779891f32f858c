package dev.telltale.certs;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Watches the presented certificates on a background thread: ends CA transitions whose time is
 * up, renews a self-signed certificate near expiry, and sends one {@link CertificateNotice} per
 * certificate and threshold crossed (30, 7 and 1 days before expiry; a certificate first seen
 * past several thresholds gets the nearest one only). Thresholds already notified are kept in
 * {@code DATA/tls/expiry-notices}, so a restart does not repeat them.
 */
public interface CertificateMonitor extends AutoCloseable {
    List<Integer> THRESHOLD_DAYS = List.of(30, 7, 1);

    /** Checks at once, then every {@code period}; a failing sink is logged and the others still run. */
    static CertificateMonitor start(CertificateStore store, Path dataDir, Clock clock, Duration period,
                                    List<Consumer<CertificateNotice>> sinks) {
        return ExpiryCheck.start(store, dataDir, clock, period, sinks);
    }

    /** Runs one check now, on the caller's thread, and returns the notices it sent. */
    List<CertificateNotice> checkNow();

    @Override
    void close();
}
