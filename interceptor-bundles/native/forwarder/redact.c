#define _GNU_SOURCE
#include "redact.h"

#include "pbread.h"

#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { TYPE_PROCESS_START = 1, TYPE_BEARER = 13 };
enum { ENV_FIELD = 20 };

static uint8_t hmac_key[32];

void tt_redact_init(const char *run_token) {
    static const char prefix[] = "telltale bearer v1";
    size_t tn = run_token ? strlen(run_token) : 0;
    uint8_t *buf = malloc(sizeof prefix + tn);
    if (!buf) {
        abort();
    }
    memcpy(buf, prefix, sizeof prefix - 1);
    if (tn) {
        memcpy(buf + sizeof prefix - 1, run_token, tn);
    }
    EVP_Digest(buf, sizeof prefix - 1 + tn, hmac_key, NULL, EVP_sha256(), NULL);
    OPENSSL_cleanse(buf, sizeof prefix + tn);
    free(buf);
}

void tt_redact_hash(const char *secret, size_t n, char *hash_hex) {
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    HMAC(EVP_sha256(), hmac_key, sizeof hmac_key, (const unsigned char *) secret, n, mac, &maclen);
    tt_hex(mac, 16, hash_hex);
}

/* Byte offset of the k-th code point (UTF-8); counts continuation bytes as part of their lead. */
static size_t cp_offset(const char *s, size_t n, size_t k) {
    size_t i = 0;
    while (i < n && k > 0) {
        i++;
        while (i < n && ((unsigned char) s[i] & 0xC0) == 0x80) {
            i++;
        }
        k--;
    }
    return i;
}

static size_t cp_count(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char) s[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    return c;
}

/* Same shape as the appliance's SecretHasher.mask, so both sides show a secret alike. */
void tt_redact_mask(const char *s, size_t n, char *out, size_t cap) {
    size_t chars = cp_count(s, n);
    if (chars >= 16) {
        size_t head = cp_offset(s, n, 4);
        size_t tail = cp_offset(s, n, chars - 2);
        snprintf(out, cap, "%.*s\xe2\x80\xa6%.*s (%zu chars)", (int) head, s, (int) (n - tail), s + tail, chars);
    } else if (chars >= 8) {
        size_t head = cp_offset(s, n, 2);
        snprintf(out, cap, "%.*s\xe2\x80\xa6 (%zu chars)", (int) head, s, chars);
    } else {
        snprintf(out, cap, "\xe2\x80\xa6 (%zu chars)", chars);
    }
}

/* Names the appliance treats as secrets (SecretPatterns.SECRET_NAME), matched as substrings. */
static const char *const secret_names[] = {
    "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY", "ACCESSKEY",
    "PRIVATE_KEY", "PRIVATEKEY", "CREDENTIAL", "AUTHORIZATION", "SESSION_KEY", "SESSIONKEY", "SIGNING_KEY",
    "SIGNINGKEY", "ENCRYPTION_KEY", "ENCRYPTIONKEY", "CONNECTION_STRING", "CONNECTIONSTRING", "DATABASE_URL",
    "DSN", "_PWD", "PGPASS",
};
static const char *const not_secret_names[] = {"PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO"};

/* Value shapes (SecretPatterns.SECRET_VALUES) in POSIX extended syntax. */
static const char *const secret_value_res[] = {
    "(AKIA|ASIA)[A-Z0-9]{16}",
    "gh[pousr]_[A-Za-z0-9]{36,}",
    "github_pat_[A-Za-z0-9_]{40,}",
    "xox[abprs]-[A-Za-z0-9-]{10,}",
    "eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}",
    "-----BEGIN [A-Z ]*PRIVATE KEY-----",
    "AIza[0-9A-Za-z_-]{35}",
    "(sk|rk)_live_[0-9a-zA-Z]{20,}",
    "glpat-[0-9A-Za-z_-]{20}",
    "[A-Za-z][A-Za-z0-9+.-]*://[^/[:space:]:@]+:[^/[:space:]@]+@",
};
static regex_t value_res[TT_ARRAY_LEN(secret_value_res)];
static int value_res_ready; /* compiled once by the single receiving thread */

static int contains_ci(const char *hay, size_t n, const char *needle) {
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        if (strncasecmp(hay + i, needle, m) == 0) {
            return 1;
        }
    }
    return 0;
}

int tt_redact_secret_env(const char *name, size_t name_len, const char *value, size_t value_len) {
    if (value_len == 0) {
        return 0;
    }
    for (size_t i = 0; i < TT_ARRAY_LEN(not_secret_names); i++) {
        if (strlen(not_secret_names[i]) == name_len && memcmp(name, not_secret_names[i], name_len) == 0) {
            return 0;
        }
    }
    for (size_t i = 0; i < TT_ARRAY_LEN(secret_names); i++) {
        if (contains_ci(name, name_len, secret_names[i])) {
            return 1;
        }
    }
    if (!value_res_ready) {
        for (size_t i = 0; i < TT_ARRAY_LEN(secret_value_res); i++) {
            if (regcomp(&value_res[i], secret_value_res[i], REG_EXTENDED | REG_NOSUB) != 0) {
                /* Cannot happen with these constant patterns; never match rather than crash. */
                regcomp(&value_res[i], "^$.", REG_EXTENDED | REG_NOSUB);
            }
        }
        value_res_ready = 1;
    }
    char *v = strndup(value, value_len);
    if (!v) {
        return 1; /* out of memory: assume the worst */
    }
    int hit = 0;
    for (size_t i = 0; i < TT_ARRAY_LEN(secret_value_res) && !hit; i++) {
        hit = regexec(&value_res[i], v, 0, NULL, 0) == 0;
    }
    free(v);
    return hit;
}

static void put_len_field(tt_bytes_buf *b, uint32_t num, const void *p, size_t n) {
    tt_bb_varint(b, ((uint64_t) num << 3) | 2);
    tt_bb_varint(b, n);
    tt_bb_put(b, p, n);
}

static void put_varint_field(tt_bytes_buf *b, uint32_t num, uint64_t v) {
    tt_bb_varint(b, (uint64_t) num << 3);
    tt_bb_varint(b, v);
}

/* Bearer body: drop value (2) and any agent-supplied hash/mask (3, 4), then add ours. */
static int redact_bearer(const uint8_t *body, size_t len, tt_bytes_buf *out) {
    tt_pb r;
    tt_pb_field f;
    tt_pb_init(&r, body, len);
    const uint8_t *value = NULL;
    size_t value_len = 0;
    int rc;
    while ((rc = tt_pb_next(&r, &f)) == 1) {
        if (f.num == 2 && f.wire == 2) {
            value = f.data;
            value_len = f.len;
        }
    }
    if (rc < 0) {
        return -1;
    }
    if (!value) {
        return 0;
    }
    tt_pb_init(&r, body, len);
    while (tt_pb_next(&r, &f) == 1) {
        if (f.num != 2 && f.num != 3 && f.num != 4) {
            tt_bb_put(out, f.start, (size_t) (r.p - f.start));
        }
    }
    char hash[33], masked[64];
    tt_redact_hash((const char *) value, value_len, hash);
    tt_redact_mask((const char *) value, value_len, masked, sizeof masked);
    put_len_field(out, 3, hash, 32);
    put_len_field(out, 4, masked, strlen(masked));
    return 1;
}

/* One EnvVar (1 name, 2 value, 3 hash, 4 masked): rewritten when it holds a secret. */
static int redact_env_var(const uint8_t *var, size_t len, tt_bytes_buf *out) {
    tt_pb r;
    tt_pb_field f;
    tt_pb_init(&r, var, len);
    const char *name = NULL, *value = NULL;
    size_t nlen = 0, vlen = 0;
    int masked_already = 0;
    while (tt_pb_next(&r, &f) == 1) {
        if (f.num == 1 && f.wire == 2) {
            name = (const char *) f.data;
            nlen = f.len;
        } else if (f.num == 2 && f.wire == 2) {
            value = (const char *) f.data;
            vlen = f.len;
        } else if (f.num == 4 && f.wire == 0 && f.v) {
            masked_already = 1;
        }
    }
    if (!name || !value || masked_already || !tt_redact_secret_env(name, nlen, value, vlen)) {
        return 0;
    }
    char hash[33], masked[64];
    tt_redact_hash(value, vlen, hash);
    tt_redact_mask(value, vlen, masked, sizeof masked);
    put_len_field(out, 1, name, nlen);
    put_len_field(out, 2, masked, strlen(masked));
    put_len_field(out, 3, hash, 32);
    put_varint_field(out, 4, 1);
    return 1;
}

static int redact_process_start(const uint8_t *body, size_t len, tt_bytes_buf *out) {
    tt_pb r;
    tt_pb_field f;
    tt_pb_init(&r, body, len);
    int changed = 0, rc;
    tt_bytes_buf var = {0};
    while ((rc = tt_pb_next(&r, &f)) == 1) {
        if (f.num == ENV_FIELD && f.wire == 2) {
            var.len = 0;
            if (redact_env_var(f.data, f.len, &var) == 1) {
                put_len_field(out, ENV_FIELD, var.data, var.len);
                changed = 1;
                continue;
            }
        }
        tt_bb_put(out, f.start, (size_t) (r.p - f.start));
    }
    tt_bb_free(&var);
    return rc < 0 ? -1 : changed;
}

int tt_redact_event(const uint8_t *ev, size_t len, tt_bytes_buf *out) {
    tt_pb r;
    tt_pb_field f;
    tt_pb_init(&r, ev, len);
    uint64_t type = 0;
    const uint8_t *body = NULL;
    size_t body_len = 0;
    int rc;
    while ((rc = tt_pb_next(&r, &f)) == 1) {
        if (f.num == 1 && f.wire == 0) {
            type = f.v;
        } else if (f.num == 6 && f.wire == 2) {
            body = f.data;
            body_len = f.len;
        }
    }
    if (type != TYPE_BEARER && type != TYPE_PROCESS_START) {
        return TT_REDACT_KEEP;
    }
    tt_bytes_buf nb = {0};
    int changed = 0;
    if (rc == 0 && body) {
        changed = type == TYPE_BEARER ? redact_bearer(body, body_len, &nb) : redact_process_start(body, body_len, &nb);
    } else if (rc < 0 || type == TYPE_BEARER) {
        changed = type == TYPE_BEARER ? -1 : 0;
    }
    if (changed == 0) {
        tt_bb_free(&nb);
        return TT_REDACT_KEEP;
    }
    /* Rebuild the envelope: every field but the body, then the new body (none when unparsable). */
    out->len = 0;
    if (rc == 0) {
        tt_pb_init(&r, ev, len);
        while (tt_pb_next(&r, &f) == 1) {
            if (f.num != 6) {
                tt_bb_put(out, f.start, (size_t) (r.p - f.start));
            }
        }
    } else {
        put_varint_field(out, 1, type);
    }
    if (changed > 0) {
        put_len_field(out, 6, nb.data, nb.len);
    }
    tt_bb_free(&nb);
    return TT_REDACT_CHANGED;
}
