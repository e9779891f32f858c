package dev.telltale.journal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects the journal's answers for assertions. */
final class RecordingCallback implements SessionCallback {
    final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();

    @Override
    public void acked(long seq) {
        answers.add("ack " + seq);
    }

    @Override
    public void outOfOrder(long expected, long firstSeq) {
        answers.add("out-of-order expected " + expected + " got " + firstSeq);
    }

    @Override
    public void failed(String message) {
        answers.add("failed " + message);
    }

    String next() throws InterruptedException {
        String s = answers.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no answer from the journal within 10 s");
        }
        return s;
    }
}
