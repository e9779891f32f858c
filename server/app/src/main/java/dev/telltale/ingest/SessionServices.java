package dev.telltale.ingest;

import dev.telltale.agents.Agents;
import dev.telltale.auth.RunTokens;
import dev.telltale.journal.Journal;

import java.util.concurrent.ExecutorService;

/** What every agent session of one listener shares. */
record SessionServices(IngestConfig config, RunTokens runTokens, Agents agents, Journal journal, Sanitizer sanitizer,
                       SessionRegistry registry, IngestMetrics metrics, ExecutorService control, String serverVersion,
                       java.util.concurrent.atomic.AtomicReference<Admission> admission,
                       TraceTargets traceTargets) {
}
