/*
 * Settings of one `telltale run` / `telltale doctor`: command line first, then the
 * TELLTALE_* environment, then the team config file, then defaults
 * (docs/interceptor.md, "Team configuration file").
 */
#ifndef TT_CONFIG_H
#define TT_CONFIG_H

#include <stdint.h>

#define TT_DEFAULT_PORT 8444
#define TT_MAX_TAGS 64

typedef struct tt_config {
    /* where to ship */
    char *portal;        /* as given: HOST[:PORT], [V6]:PORT */
    char *host;          /* parsed */
    int port;
    char *token;
    char *ca_pem;        /* PEM text, from a file or inline */
    char *ca_origin;     /* for messages: the path, or "inline in <config>" */
    char *ca_arg;        /* --ca FILE */

    /* who we are */
    char *app, *component, *version, *policy;
    char *tags[TT_MAX_TAGS];
    int ntags;

    /* how the interceptor behaves */
    int stacks;          /* 0 = --disable-stack-traces */
    char *libc;          /* "glibc" or "musl": which libtelltale.so to preload */

    /* forwarder */
    char *spool_dir;     /* explicit, or NULL for ~/.telltale/spool/<app>/<component> */
    uint64_t spool_bytes;
    unsigned flush_ms;   /* bounded wait for ACKs when the command has exited */
    int verbose;

    char *config_path;   /* the config file that was read, if any */
    char **cmd;          /* argv of the command, NULL-terminated */
    int config_error;    /* set when the config file exists but is broken */
    char config_error_msg[256];
} tt_config;

/* Parses `run` or `doctor` arguments (argv[0] is the subcommand). Returns 0, or 2 on a usage
 * error (message printed to stderr). */
int tt_cli_parse(tt_config *c, int argc, char **argv, int is_run);

/* Fills what the command line left unset from the environment, the config file and the
 * defaults. Never fails hard: problems are kept in config_error for doctor and the log. */
void tt_config_resolve(tt_config *c);

/* Loads a config file into the unset fields of c. Returns 0, or -1 with c->config_error set. */
int tt_config_load_file(tt_config *c, const char *path);

/* Splits c->portal into host and port. Returns 0 or -1. */
int tt_config_parse_portal(tt_config *c);

/* True for an application/component name the appliance accepts ([A-Za-z0-9][A-Za-z0-9._:-]{0,127}). */
int tt_valid_name(const char *s);
int tt_valid_policy_name(const char *s);
/* Replaces characters a name may not hold with '_' (for defaults derived from a command). */
void tt_sanitize_name(char *s);

#endif
