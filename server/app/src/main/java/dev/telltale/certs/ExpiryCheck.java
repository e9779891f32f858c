package dev.telltale.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** {@link CertificateMonitor} on one scheduled daemon thread. */
final class ExpiryCheck implements CertificateMonitor {
    private static final System.Logger LOG = System.getLogger(ExpiryCheck.class.getName());
    private final CertificateStore store;
    private final Path noticesFile;
    private final Clock clock;
    private final List<Consumer<CertificateNotice>> sinks;
    private final ScheduledExecutorService thread;

    private ExpiryCheck(CertificateStore store, Path noticesFile, Clock clock, List<Consumer<CertificateNotice>> sinks,
                        ScheduledExecutorService thread) {
        this.store = store;
        this.noticesFile = noticesFile;
        this.clock = clock;
        this.sinks = List.copyOf(sinks);
        this.thread = thread;
    }

    static ExpiryCheck start(CertificateStore store, Path dataDir, Clock clock, Duration period,
                             List<Consumer<CertificateNotice>> sinks) {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "telltale-cert-check");
            th.setDaemon(true);
            return th;
        });
        ExpiryCheck c = new ExpiryCheck(store, new TlsDirectory(dataDir.resolve("tls")).expiryNotices(), clock, sinks, t);
        if (!period.isZero()) {
            t.scheduleWithFixedDelay(c::runQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        }
        return c;
    }

    private void runQuietly() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the certificate check failed; it runs again later", e);
        }
    }

    @Override
    public synchronized List<CertificateNotice> checkNow() {
        store.maintain();
        Instant now = clock.instant();
        Map<X509Certificate, String> presented = new LinkedHashMap<>();
        presented.put(store.https().leaf(), "https");
        presented.merge(store.ingest().leaf(), "ingest", (a, b) -> "both");
        Set<String> done = read();
        Set<String> keep = new LinkedHashSet<>();
        List<CertificateNotice> sent = new ArrayList<>();
        for (Map.Entry<X509Certificate, String> e : presented.entrySet()) {
            CertificateInfo info = CertificateInfo.of(e.getKey(), clock);
            Duration left = Duration.between(now, info.notAfter());
            List<Integer> crossed = THRESHOLD_DAYS.stream().filter(d -> left.compareTo(Duration.ofDays(d)) <= 0).toList();
            crossed.forEach(d -> keep.add(info.sha256() + " " + d));
            if (crossed.isEmpty() || done.contains(info.sha256() + " " + crossed.getLast())) {
                continue;
            }
            CertificateNotice n = new CertificateNotice(e.getValue(), info.subject(), info.sha256(), info.notAfter(),
                    crossed.getLast(), info.daysLeft());
            for (Consumer<CertificateNotice> sink : sinks) {
                try {
                    sink.accept(n);
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.ERROR, "a certificate expiry notice could not be delivered", ex);
                }
            }
            sent.add(n);
        }
        if (!keep.equals(done)) {
            PemFiles.writeText(noticesFile, keep.isEmpty() ? "" : String.join("\n", keep) + "\n", false);
        }
        return sent;
    }

    private Set<String> read() {
        try {
            return Files.exists(noticesFile) ? new LinkedHashSet<>(Files.readAllLines(noticesFile).stream()
                    .filter(l -> !l.isBlank()).toList()) : Set.of();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read {0}; notices may repeat", noticesFile);
            return Set.of();
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
