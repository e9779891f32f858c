package dev.telltale.auth;

/** What a valid run token grants: the token's id and the team its agents report to. */
public record RunTokenGrant(long tokenId, long teamId, String teamName) {
}
