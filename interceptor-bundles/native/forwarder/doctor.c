/*
 * `telltale doctor`: what a user runs when events do not show up. Checks the configuration,
 * completes a real TLS 1.3 handshake pinned to the CA, sends HELLO and reports WELCOME or the
 * appliance's ERROR, and says which libc this is and whether the interceptor is installed.
 */
#define _GNU_SOURCE
#include "doctor.h"

#include "identity.h"
#include "launch.h"
#include "redact.h"
#include "session.h"
#include "shipper.h"
#include "util.h"
#include "version.h"

#include <limits.h>
#include <stdarg.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int problems;

static void line(const char *what, const char *status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void line(const char *what, const char *status, const char *fmt, ...) {
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printf("%-12s %-5s %s\n", what, status, msg);
    if (strcmp(status, "FAIL") == 0) {
        problems++;
    }
}

/* Describes the CA certificates: subject and expiry of each. */
static void describe_ca(const tt_config *c) {
    if (!c->ca_pem) {
        line("ca", "FAIL", "no CA certificate: use --ca FILE, TELLTALE_CA or 'ca =' in the config file");
        return;
    }
    if (!*c->ca_pem) {
        line("ca", "FAIL", "%s: cannot read it", c->ca_origin ? c->ca_origin : "?");
        return;
    }
    BIO *bio = BIO_new_mem_buf(c->ca_pem, -1);
    X509 *cert;
    int n = 0;
    while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        char subject[256];
        X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
        const ASN1_TIME *na = X509_get0_notAfter(cert);
        BIO *mem = BIO_new(BIO_s_mem());
        ASN1_TIME_print(mem, na);
        char until[64] = "";
        int k = BIO_read(mem, until, sizeof until - 1);
        until[k > 0 ? k : 0] = 0;
        BIO_free(mem);
        int expired = X509_cmp_current_time(na) < 0;
        line("ca", expired ? "FAIL" : "ok", "%s: %s, %s %s", c->ca_origin ? c->ca_origin : "?", subject,
             expired ? "EXPIRED" : "valid until", until);
        X509_free(cert);
        n++;
    }
    BIO_free(bio);
    if (n == 0) {
        line("ca", "FAIL", "%s holds no PEM certificate", c->ca_origin ? c->ca_origin : "?");
    }
}

int tt_cmd_doctor(tt_config *c) {
    problems = 0;
    tt_config_resolve(c);
    printf("telltale %s doctor (launcher built for %s)\n", TT_VERSION, tt_build_libc());

    if (c->config_path) {
        if (c->config_error) {
            line("config", "FAIL", "%s", c->config_error_msg);
        } else {
            line("config", "ok", "%s", c->config_path);
        }
    } else {
        line("config", "info", "no config file (--config, TELLTALE_CONFIG, <bundle>/etc/telltale.conf, "
                               "~/.telltale/telltale.conf, /etc/telltale/telltale.conf)");
    }
    int portal_ok = c->portal && c->host;
    if (!c->portal) {
        line("portal", "FAIL", "no appliance address: use --portal HOST[:PORT], TELLTALE_PORTAL or 'portal ='");
    } else if (!c->host) {
        line("portal", "FAIL", "'%s' is not HOST[:PORT]", c->portal);
    } else {
        line("portal", "ok", "%s port %d", c->host, c->port);
    }
    if (!c->token) {
        line("token", "FAIL", "no run token: use --token, TELLTALE_TOKEN or 'token ='");
    } else {
        char masked[64];
        tt_redact_mask(c->token, strlen(c->token), masked, sizeof masked);
        line("token", "ok", "%s", masked);
    }
    describe_ca(c);

    char detail[512];
    const char *sys = tt_system_libc(detail, sizeof detail);
    line("libc", "ok", "system: %s (%s); this launcher: %s%s", sys, detail[0] ? detail : "no loader found",
         tt_build_libc(),
#ifdef TT_STATIC
         ", statically linked"
#else
         ""
#endif
    );
    const char *libc = c->libc ? c->libc : tt_build_libc();
    char lib[PATH_MAX];
    if (tt_find_interceptor(libc, lib, sizeof lib) == 0) {
        line("interceptor", "ok", "%s (%s)", lib, libc);
    } else {
        char dir[PATH_MAX] = "?";
        tt_exe_dir(dir, sizeof dir);
        line("interceptor", "WARN", "libtelltale.so (%s) not found (looked in %s/../lib/%s, %s/../lib, %s%s): "
             "commands would run without it", libc, dir, libc, dir, dir,
             getenv("TELLTALE_LIBRARY") ? " and TELLTALE_LIBRARY" : "");
    }
    line("spool", access(c->spool_dir, W_OK) == 0 ? "ok" : "info", "%s%s", c->spool_dir,
         access(c->spool_dir, F_OK) == 0 ? "" : " (created on the first run)");

    if (portal_ok && c->token && c->ca_pem && *c->ca_pem) {
        tt_session s;
        if (tt_session_init(&s, c->ca_pem) != 0) {
            line("appliance", "FAIL", "%s", s.err);
        } else {
            /* A stable instance of its own, so doctor never supersedes a running forwarder. */
            char host[256], inst[80], mid[128], hex[17];
            tt_hostname(host, sizeof host);
            tt_machine_id(mid, sizeof mid);
            snprintf(hex, sizeof hex, "%.16s", mid[0] ? mid : "0000000000000000");
            for (char *p = hex; *p; p++) {
                if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
                    *p = 'x';
                }
            }
            snprintf(inst, sizeof inst, "doctor-%s", hex);
            tt_hello hello = {
                .run_token = c->token, .agent_instance = inst, .agent_kind = "native", .agent_version = TT_VERSION,
                .hostname = host, .application = c->app, .component = c->component, .version = c->version,
                .policy = c->policy, .compression = "zstd",
            };
            uint64_t t0 = tt_mono_ms();
            int rc = tt_session_open(&s, c->host, c->port, &hello, 10000, -1);
            uint64_t ms = tt_mono_ms() - t0;
            if (rc == 0) {
                char desc[128];
                tt_tls_describe(&s.tls, desc, sizeof desc);
                line("tls", "ok", "%s, %s, certificate verified against the pinned CA", s.tls.peer, desc);
                line("appliance", "ok", "WELCOME in %llu ms: appliance %s, agent id %llu, next seq %llu, "
                     "max batch %llu events, ping every %llu ms", (unsigned long long) ms, s.welcome.server_version,
                     (unsigned long long) s.welcome.agent_id, (unsigned long long) s.welcome.next_seq,
                     (unsigned long long) s.welcome.max_batch_events,
                     (unsigned long long) s.welcome.ping_interval_ms);
                tt_frame_bye(&s.out, "doctor");
                tt_session_pump(&s, 0, -1, -1);
            } else if (rc == -2) {
                char desc[128];
                tt_tls_describe(&s.tls, desc, sizeof desc);
                line("tls", "ok", "%s, %s, certificate verified against the pinned CA", s.tls.peer, desc);
                line("appliance", "FAIL", "ERROR %s (%llu): %s", tt_error_name(s.error.code),
                     (unsigned long long) s.error.code, s.error.message);
            } else {
                line("appliance", "FAIL", "%s", s.err);
            }
            tt_session_close(&s, rc == 0);
        }
        tt_session_free(&s);
    } else {
        line("appliance", "skip", "not contacted: portal, token and CA are all needed");
        problems++;
    }
    printf("%s\n", problems ? "PROBLEMS FOUND" : "ALL GOOD");
    return problems ? 1 : 0;
}
