package dev.telltale.downloads;

import dev.telltale.secrets.SecretHasher;

import java.time.Clock;
import java.time.Duration;

/**
 * Signed, expiring download links for bundles, so the install one-liner can fetch a bundle
 * without an API token. The signature covers the file name and the expiry.
 */
public final class DownloadLinks {
    private final SecretHasher signer;
    private final Clock clock;
    private final Duration lifetime;

    public DownloadLinks(SecretHasher signer, Clock clock, Duration lifetime) {
        this.signer = signer;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** The query string ({@code expires=…&signature=…}) that lets anyone fetch {@code name} until it expires. */
    public String query(String name) {
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        return "expires=" + expires + "&signature=" + signer.sign(message(name, expires));
    }

    /** Whether a link for {@code name} with these parameters is genuine and unexpired. */
    public boolean valid(String name, String expires, String signature) {
        long exp;
        try {
            exp = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return false;
        }
        return exp >= clock.instant().getEpochSecond() && signer.verify(message(name, exp), signature);
    }

    private static String message(String name, long expires) {
        return "download|" + name + "|" + expires;
    }
}
