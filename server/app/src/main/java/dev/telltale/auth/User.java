package dev.telltale.auth;

/** A local user as the API sees it. */
public record User(long id, String username, boolean admin, boolean mustChangePassword) {
}
