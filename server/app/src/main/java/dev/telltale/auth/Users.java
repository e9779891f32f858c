package dev.telltale.auth;

import java.util.Optional;

/**
 * Local users. Passwords are hashed with Argon2id (BouncyCastle) and never stored or logged
 * in clear. Failed logins are throttled per user name.
 */
public interface Users {

    /**
     * Creates the initial {@code admin} user if no user exists. The password is
     * {@code TELLTALE_ADMIN_PASSWORD} when given, otherwise random; a random one is returned
     * so the caller can print it once and write it to {@code DATA/initial-admin-password} (0600).
     * The admin must change it at first UI login.
     *
     * @return the generated password, when one was generated
     */
    Optional<String> bootstrapAdmin(Optional<String> presetPassword);

    /** The user when the password matches and the account is not locked; empty otherwise. */
    Optional<User> authenticate(String username, char[] password);

    Optional<User> find(String username);
}
