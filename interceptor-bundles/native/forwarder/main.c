/* telltale: the launcher and forwarder of the native agent. Dispatches the subcommands. */
#define _GNU_SOURCE
#include "config.h"
#include "doctor.h"
#include "launch.h"
#include "run.h"
#include "version.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <zstd.h>

static void usage(FILE *f) {
    fprintf(f,
            "usage:\n"
            "  telltale run [-a APP] [-c COMPONENT] [-V VERSION] [-p POLICY] [-t key=value]...\n"
            "               [--portal HOST[:PORT]] [--token TOKEN] [--ca FILE] [--config FILE]\n"
            "               [--disable-stack-traces] [--libc glibc|musl] [--spool DIR] [--spool-bytes N]\n"
            "               [--flush-timeout SECONDS] [-v] -- CMD ARGS...\n"
            "  telltale doctor [--portal ...] [--token ...] [--ca ...] [--config FILE] [-a APP] [-c COMPONENT]\n"
            "  telltale version\n"
            "\n"
            "Runs CMD with the Telltale interceptor preloaded and ships what it records to the appliance\n"
            "over TLS 1.3. Settings come from the options, then TELLTALE_PORTAL / TELLTALE_TOKEN /\n"
            "TELLTALE_CA / TELLTALE_CONFIG, then the team config file. The forwarder logs to\n"
            "forwarder.log in the spool directory (default ~/.telltale/spool/APP/COMPONENT); -v also\n"
            "prints to stderr.\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("telltale %s (%s build%s; %s; zstd %s)\n", TT_VERSION, tt_build_libc(),
#ifdef TT_STATIC
               ", static",
#else
               "",
#endif
               OpenSSL_version(OPENSSL_VERSION), ZSTD_versionString());
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    tt_config c;
    if (!strcmp(cmd, "run")) {
        int rc = tt_cli_parse(&c, argc - 1, argv + 1, 1);
        return rc ? rc : tt_cmd_run(&c);
    }
    if (!strcmp(cmd, "doctor")) {
        int rc = tt_cli_parse(&c, argc - 1, argv + 1, 0);
        if (rc) {
            return rc;
        }
        if (!c.component) {
            c.component = "doctor";
        }
        return tt_cmd_doctor(&c);
    }
    fprintf(stderr, "telltale: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
