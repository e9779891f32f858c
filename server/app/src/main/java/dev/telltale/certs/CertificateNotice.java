package dev.telltale.certs;

import java.time.Instant;

/**
 * A presented certificate crossed an expiry threshold ({@code thresholdDays}: 30, 7 or 1 days
 * before {@code notAfter}). {@code listener} is {@code https}, {@code ingest} or {@code both}.
 * Carries no key material.
 */
public record CertificateNotice(String listener, String subject, String sha256, Instant notAfter, int thresholdDays,
                                long daysLeft) {

    /** One line for people: what expires, where, and when. */
    public String summary() {
        return "The TLS certificate " + subject + " presented on " + (listener.equals("both") ? "the HTTPS and agent"
                : listener.equals("https") ? "the HTTPS" : "the agent") + " listener" + (listener.equals("both") ? "s" : "")
                + (daysLeft < 0 ? " expired on " : " expires on ") + notAfter + " (" + daysLeft + " days left; "
                + thresholdDays + "-day warning). Upload a renewed certificate under Administration → Certificates.";
    }
}
