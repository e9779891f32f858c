/*
 * Unit tests of the forwarder's parts that need no appliance: spool (append, durability
 * boundary, CRC-32C, torn-tail recovery, leaving without a sync, a damaged closed segment, full → spool_full gap,
 * ACK deletion, resume numbering),
 * redaction (bearer value, secret environment values), config file parsing, frames, the host
 * environment's packages and their loadable files from fake dpkg, apk and rpm databases, and
 * the child environment's Java agent option (JAVA_TOOL_OPTIONS), and the wire encoding's
 * strings and varints (common/tt_wire.c, shared with the interceptor).
 * Prints "N passed, N failed" last.
 */
#define _GNU_SOURCE
#include "../../forwarder/config.h"
#include "../../forwarder/frames.h"
#include "../../forwarder/hostenv.h"
#include "../../forwarder/hostenv_int.h"
#include "../../forwarder/launch.h"
#include "../../forwarder/pbread.h"
#include "../../forwarder/redact.h"
#include "../../forwarder/spool.h"
#include "../../forwarder/util.h"
#include "../../common/tt_wire.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int passed, failed;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (cond) {                                                             \
            passed++;                                                           \
        } else {                                                                \
            failed++;                                                           \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);              \
            printf(__VA_ARGS__);                                                \
            printf("\n");                                                       \
        }                                                                       \
    } while (0)

static char tmpdir[256];

static void spool_dir(char *out, size_t cap, const char *name) {
    snprintf(out, cap, "%s/%s", tmpdir, name);
}

/* Reads every durable record; returns how many, checks seqs are consecutive. */
static int read_all(tt_spool *sp, uint64_t from, uint64_t *last_end, int *gaps) {
    tt_spool_reader r;
    tt_spool_reader_init(&r, sp);
    tt_spool_reader_seek(&r, from);
    tt_spool_rec rec;
    int n = 0, rc;
    uint64_t expect = 0;
    *gaps = 0;
    while ((rc = tt_spool_reader_next(&r, &rec)) != 0) {
        if (rc < 0) {
            continue;
        }
        if (rec.seq + rec.count <= from) {
            continue;
        }
        if (expect && rec.seq != expect) {
            printf("  seq jump %llu -> %llu\n", (unsigned long long) expect, (unsigned long long) rec.seq);
        }
        expect = rec.seq + rec.count;
        if (rec.kind == TT_REC_GAP) {
            (*gaps)++;
        }
        n++;
    }
    *last_end = expect;
    tt_spool_reader_close(&r);
    return n;
}

static void test_spool_basic(void) {
    char dir[512];
    spool_dir(dir, sizeof dir, "basic");
    tt_spool sp;
    CHECK(tt_spool_open(&sp, dir, 1 << 30) == 0, "open");
    CHECK(sp.next_seq == 1, "fresh spool starts at 1");
    char ev[100];
    memset(ev, 'e', sizeof ev);
    for (int i = 0; i < 5000; i++) {
        tt_spool_append_event(&sp, 1000 + (uint64_t) i, ev, sizeof ev);
    }
    uint64_t end;
    int gaps;
    CHECK(read_all(&sp, 1, &end, &gaps) == 0, "nothing readable before sync");
    tt_spool_sync(&sp);
    CHECK(tt_spool_durable_seq(&sp) == 5001, "durable after sync: %llu", (unsigned long long) tt_spool_durable_seq(&sp));
    CHECK(read_all(&sp, 1, &end, &gaps) == 5000 && end == 5001, "all 5000 read back");
    CHECK(read_all(&sp, 4000, &end, &gaps) == 1001, "resume from 4000");
    tt_spool_append_gap(&sp, 3, "interceptor_overflow", "pid 1");
    tt_spool_sync(&sp);
    CHECK(read_all(&sp, 1, &end, &gaps) == 5001 && gaps == 1 && end == 5004, "gap record read back");
    char inst[65];
    snprintf(inst, sizeof inst, "%s", sp.instance);
    tt_spool_close(&sp);

    /* Reopen: numbering continues, instance kept, a fresh active segment. */
    CHECK(tt_spool_open(&sp, dir, 1 << 30) == 0, "reopen");
    CHECK(sp.next_seq == 5004, "next seq after reopen: %llu", (unsigned long long) sp.next_seq);
    CHECK(strcmp(inst, sp.instance) == 0, "instance id persists");
    CHECK(sp.nsegs == 2, "new active segment (%zu)", sp.nsegs);
    tt_spool_acked(&sp, 5003);
    CHECK(sp.nsegs == 1, "acked segment deleted (%zu left)", sp.nsegs);
    CHECK(tt_spool_bytes(&sp) == 0, "no bytes left: %llu", (unsigned long long) tt_spool_bytes(&sp));
    tt_spool_close(&sp);

    /* A second opener of the same directory gets its own (dir.2). */
    tt_spool a, b;
    CHECK(tt_spool_open(&a, dir, 1 << 30) == 0 && tt_spool_open(&b, dir, 1 << 30) == 0, "two openers");
    CHECK(strcmp(a.dir, b.dir) != 0 && strstr(b.dir, ".2"), "second takes %s", b.dir);
    CHECK(strcmp(a.instance, b.instance) != 0, "distinct instances");
    tt_spool_close(&a);
    tt_spool_close(&b);
}

static void test_spool_torn_tail(void) {
    char dir[512];
    spool_dir(dir, sizeof dir, "torn");
    tt_spool sp;
    tt_spool_open(&sp, dir, 1 << 30);
    char ev[50] = "abc";
    for (int i = 0; i < 10; i++) {
        tt_spool_append_event(&sp, 5, ev, sizeof ev);
    }
    tt_spool_sync(&sp);
    char path[4100];
    snprintf(path, sizeof path, "%s/seg-%020llu.tts", sp.dir, 1ull);
    tt_spool_close(&sp);
    /* Simulate a crash mid-write: half a record at the end, and a flipped byte before it. */
    int fd = open(path, O_WRONLY | O_APPEND);
    CHECK(fd >= 0, "open segment");
    char junk[30] = {60, 0, 0, 0, 1, 2, 3, 4, 1};
    CHECK(write(fd, junk, sizeof junk) == sizeof junk, "append junk");
    close(fd);
    CHECK(tt_spool_open(&sp, dir, 1 << 30) == 0, "reopen after torn write");
    CHECK(sp.corrupt_cut == 1, "damage noticed");
    CHECK(sp.next_seq == 11, "numbering continues after the last good record: %llu", (unsigned long long) sp.next_seq);
    uint64_t end;
    int gaps;
    CHECK(read_all(&sp, 1, &end, &gaps) == 10, "10 good records survive");
    struct stat st;
    stat(path, &st);
    CHECK(st.st_size == 10 * (8 + 17 + 50), "torn tail cut off (%lld)", (long long) st.st_size);
    tt_spool_close(&sp);
}

/* An exit that ships nothing leaves its records written, not synced; the next open finds them
 * all, continues the numbering after them, and they are durable (readable by the shipper). */
static void test_spool_leave(void) {
    char dir[512];
    spool_dir(dir, sizeof dir, "leave");
    tt_spool sp;
    CHECK(tt_spool_open(&sp, dir, 1 << 30) == 0, "open");
    char ev[40] = "leave";
    for (int i = 0; i < 10; i++) {
        tt_spool_append_event(&sp, 7, ev, sizeof ev);
    }
    tt_spool_sync(&sp);
    for (int i = 0; i < 5; i++) {
        tt_spool_append_event(&sp, 8, ev, sizeof ev);
    }
    uint64_t syncs = atomic_load(&sp.syncs);
    tt_spool_leave(&sp);
    CHECK(atomic_load(&sp.syncs) == syncs, "leaving does not sync (%llu syncs, was %llu)",
          (unsigned long long) atomic_load(&sp.syncs), (unsigned long long) syncs);
    CHECK(tt_spool_open(&sp, dir, 1 << 30) == 0, "reopen");
    CHECK(sp.next_seq == 16, "numbering continues after the unsynced records: %llu", (unsigned long long) sp.next_seq);
    CHECK(sp.corrupt_cut == 0, "nothing cut");
    uint64_t end;
    int gaps;
    CHECK(read_all(&sp, 1, &end, &gaps) == 15 && end == 16, "all 15 records readable after reopen (end %llu)",
          (unsigned long long) end);
    tt_spool_close(&sp);
}

/* The spool's CRC-32C (the CPU's instruction where it has one) against the bitwise definition. */
static void test_crc32c(void) {
    CHECK(tt_crc32c(0, "123456789", 9) == 0xE3069283u, "check value: %08x", tt_crc32c(0, "123456789", 9));
    uint8_t buf[300];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t) (x >> 16);
    }
    int bad = 0;
    for (size_t off = 0; off < 8; off++) {
        for (size_t n = 0; off + n <= sizeof buf; n += 7) {
            uint32_t ref = ~0u;
            for (size_t i = 0; i < n; i++) {
                ref ^= buf[off + i];
                for (int k = 0; k < 8; k++) {
                    ref = ref & 1 ? (ref >> 1) ^ 0x82F63B78u : ref >> 1;
                }
            }
            bad += tt_crc32c(0, buf + off, n) != ~ref;
        }
    }
    CHECK(bad == 0, "%d lengths and alignments differ from the bitwise CRC-32C", bad);
    /* chained: a record's CRC over two calls equals one call */
    CHECK(tt_crc32c(tt_crc32c(0, buf, 100), buf + 100, 77) == tt_crc32c(0, buf, 177), "chained update");
}

/* A closed segment is not read at open (a backlog would delay every start); damage in it is
   found by the reader, which skips the rest of that segment and marks the spool corrupt. */
static void test_spool_damaged_closed_segment(void) {
    char dir[512];
    spool_dir(dir, sizeof dir, "closed");
    tt_spool sp;
    char ev[50] = "abc";
    for (int run = 0; run < 2; run++) {
        CHECK(tt_spool_open(&sp, dir, 1 << 30) == 0, "open %d", run);
        for (int i = 0; i < 10; i++) {
            tt_spool_append_event(&sp, 5, ev, sizeof ev);
        }
        tt_spool_sync(&sp);
        tt_spool_close(&sp);
    }
    char path[4100];
    snprintf(path, sizeof path, "%s/seg-%020llu.tts", dir, 1ull);
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0, "open the first segment");
    /* a payload byte of the fifth record: its CRC no longer matches */
    CHECK(pwrite(fd, "X", 1, 4 * (8 + 17 + 50) + 8 + 17 + 10) == 1, "flip a byte");
    close(fd);
    CHECK(tt_spool_open(&sp, dir, 1 << 30) == 0, "reopen");
    CHECK(sp.corrupt_cut == 0, "the closed segment is not read at open");
    CHECK(sp.next_seq == 21, "numbering continues from the last segment: %llu", (unsigned long long) sp.next_seq);
    CHECK(tt_spool_bytes(&sp) == 20 * (8 + 17 + 50), "sizes from the files: %llu",
          (unsigned long long) tt_spool_bytes(&sp));
    uint64_t end;
    int gaps;
    int n = read_all(&sp, 1, &end, &gaps);
    CHECK(n == 14 && end == 21, "4 records before the damage and the 10 of the next segment: %d, end %llu", n,
          (unsigned long long) end);
    CHECK(sp.corrupt_cut == 1, "the reader's skip is declared as corruption");
    tt_spool_close(&sp);
}

static void test_spool_full(void) {
    char dir[512];
    spool_dir(dir, sizeof dir, "full");
    tt_spool sp;
    tt_spool_open(&sp, dir, 10000); /* room for ~80 events of 100 bytes */
    char ev[100] = {0};
    int kept = 0;
    for (int i = 0; i < 200; i++) {
        kept += tt_spool_append_event(&sp, 7, ev, sizeof ev) != 0;
    }
    CHECK(kept > 50 && kept < 100, "some kept: %d", kept);
    CHECK(atomic_load(&sp.events_dropped) == (uint64_t) (200 - kept), "drops counted");
    tt_spool_close(&sp); /* records the pending spool_full gap */
    CHECK(tt_spool_open(&sp, dir, 10000) == 0, "reopen");
    CHECK(sp.next_seq == 201, "every dropped event kept its seq: next %llu", (unsigned long long) sp.next_seq);
    tt_spool_reader r;
    tt_spool_reader_init(&r, &sp);
    tt_spool_reader_seek(&r, 1);
    tt_spool_rec rec;
    int events = 0, gaps = 0;
    uint64_t gap_count = 0;
    while (tt_spool_reader_next(&r, &rec) == 1) {
        if (rec.kind == TT_REC_GAP) {
            gaps++;
            gap_count += rec.count;
            CHECK(strcmp(rec.reason, "spool_full") == 0, "reason %s", rec.reason);
        } else {
            events++;
        }
    }
    tt_spool_reader_close(&r);
    CHECK(events == kept && gap_count == (uint64_t) (200 - kept) && gaps == 1, "events %d gap %llu in %d records",
          events, (unsigned long long) gap_count, gaps);
    /* Once the appliance has acknowledged everything, the space is reclaimed even though it
     * all sat in the active segment, and the next event is kept again. */
    tt_spool_acked(&sp, 200);
    CHECK(tt_spool_append_event(&sp, 8, ev, sizeof ev) == 201, "kept again after the ACK");
    CHECK(tt_spool_bytes(&sp) < 1000, "acknowledged bytes freed: %llu", (unsigned long long) tt_spool_bytes(&sp));
    tt_spool_close(&sp);
}

static void test_spool_full_active_acked(void) {
    char dir[512];
    spool_dir(dir, sizeof dir, "full-active");
    tt_spool sp;
    tt_spool_open(&sp, dir, 10000);
    char ev[100] = {0};
    uint64_t last = 0;
    for (int i = 0; i < 150; i++) {
        uint64_t s = tt_spool_append_event(&sp, 7, ev, sizeof ev);
        last = s ? s : last;
    }
    tt_spool_sync(&sp);
    /* Everything kept so far is acknowledged, but it all sits in the active segment. */
    tt_spool_acked(&sp, last);
    uint64_t before = tt_spool_bytes(&sp);
    /* The dropped tail first becomes a gap; once that is recorded and acknowledged too, events fit. */
    tt_spool_append_gap(&sp, 1, "test", "");
    tt_spool_sync(&sp);
    tt_spool_acked(&sp, sp.pending_seq - 1);
    uint64_t s = tt_spool_append_event(&sp, 8, ev, sizeof ev);
    CHECK(s != 0, "event kept once the active segment's records are all acknowledged");
    CHECK(tt_spool_bytes(&sp) < before, "space reclaimed: %llu -> %llu", (unsigned long long) before,
          (unsigned long long) tt_spool_bytes(&sp));
    tt_spool_close(&sp);
}

static void test_spool_raise(void) {
    char dir[512];
    spool_dir(dir, sizeof dir, "raise");
    tt_spool sp;
    tt_spool_open(&sp, dir, 1 << 30);
    tt_spool_raise_seq(&sp, 500);
    char ev[10] = {0};
    CHECK(tt_spool_append_event(&sp, 1, ev, sizeof ev) == 500, "numbering jumps to the appliance's next_seq");
    tt_spool_close(&sp);
}

/* Finds field `num` (length-delimited) in a message. */
static int find_str(const uint8_t *p, size_t n, uint32_t num, char *out, size_t cap) {
    tt_pb r;
    tt_pb_field f;
    tt_pb_init(&r, p, n);
    while (tt_pb_next(&r, &f) == 1) {
        if (f.num == num && f.wire == 2) {
            snprintf(out, cap, "%.*s", (int) f.len, (const char *) f.data);
            return 1;
        }
    }
    return 0;
}

static void test_redact(void) {
    tt_redact_init("tt_run_example");
    /* bearer_token: 1 auth_type, 2 value, 5 lport */
    uint8_t body[] = {0x0a, 6, 'B', 'e', 'a', 'r', 'e', 'r', 0x12, 20, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j',
                      'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 0x28, 0x90, 0x3f};
    uint8_t ev[64];
    size_t n = 0;
    ev[n++] = 0x08; ev[n++] = 13;   /* type */
    ev[n++] = 0x18; ev[n++] = 42;   /* pid */
    ev[n++] = 0x32; ev[n++] = sizeof body;
    memcpy(ev + n, body, sizeof body);
    n += sizeof body;
    tt_bytes_buf out = {0};
    CHECK(tt_redact_event(ev, n, &out) == TT_REDACT_CHANGED, "bearer changed");
    CHECK(memmem(out.data, out.len, "abcdefghijklmnopqrst", 20) == NULL, "value gone");
    char b[256] = "", hash[64] = "", masked[64] = "";
    CHECK(find_str(out.data, out.len, 6, b, sizeof b), "body present");
    tt_pb r;
    tt_pb_field f;
    tt_pb_init(&r, out.data, out.len);
    while (tt_pb_next(&r, &f) == 1) {
        if (f.num == 6) {
            find_str(f.data, f.len, 3, hash, sizeof hash);
            find_str(f.data, f.len, 4, masked, sizeof masked);
            CHECK(find_str(f.data, f.len, 1, b, sizeof b) && strcmp(b, "Bearer") == 0, "auth_type kept");
        }
    }
    char expect[33];
    tt_redact_hash("abcdefghijklmnopqrst", 20, expect);
    CHECK(strlen(hash) == 32 && strcmp(hash, expect) == 0, "token_hash %s", hash);
    CHECK(strcmp(masked, "abcd\xe2\x80\xa6st (20 chars)") == 0, "token_masked '%s'", masked);
    char m[64];
    tt_redact_mask("short", 5, m, sizeof m);
    CHECK(strcmp(m, "\xe2\x80\xa6 (5 chars)") == 0, "short mask '%s'", m);
    tt_redact_mask("medium12", 8, m, sizeof m);
    CHECK(strcmp(m, "me\xe2\x80\xa6 (8 chars)") == 0, "medium mask '%s'", m);

    CHECK(tt_redact_secret_env("DB_PASSWORD", 11, "x", 1), "name rule");
    CHECK(!tt_redact_secret_env("PWD", 3, "/home", 5), "PWD is not a secret");
    CHECK(tt_redact_secret_env("FOO", 3, "AKIAABCDEFGHIJKLMNOP", 20), "AWS key shape");
    CHECK(tt_redact_secret_env("URL", 3, "https://u:pw@host/x", 19), "URL with password");
    CHECK(!tt_redact_secret_env("PATH", 4, "/usr/bin:/bin", 13), "PATH is not a secret");

    /* A file event is left alone. */
    uint8_t file_ev[] = {0x08, 6, 0x32, 4, 0x0a, 2, 'o', 'p'};
    CHECK(tt_redact_event(file_ev, sizeof file_ev, &out) == TT_REDACT_KEEP, "others untouched");
    /* A broken bearer event loses its body rather than risk the value. */
    uint8_t broken[] = {0x08, 13, 0x32, 40, 0x12, 3, 's', 'e', 'c'};
    CHECK(tt_redact_event(broken, sizeof broken, &out) == TT_REDACT_CHANGED &&
              memmem(out.data, out.len, "sec", 3) == NULL, "broken bearer stripped");
    tt_bb_free(&out);
}

static void test_config(void) {
    char path[512];
    snprintf(path, sizeof path, "%s/team.conf", tmpdir);
    FILE *f = fopen(path, "w");
    fprintf(f, "# generated\nportal = appliance.example:9444\ntoken = tt_run_abc\n"
               "ca = -----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
               "app = shop\nspool_bytes = 64M\n");
    fclose(f);
    tt_config c;
    char *argv[] = {"run", "--config", path, "-c", "checkout", "--", "/bin/true", NULL};
    CHECK(tt_cli_parse(&c, 7, argv, 1) == 0, "parse");
    tt_config_resolve(&c);
    CHECK(!c.config_error, "no error: %s", c.config_error_msg);
    CHECK(c.host && strcmp(c.host, "appliance.example") == 0 && c.port == 9444, "portal");
    CHECK(c.token && strcmp(c.token, "tt_run_abc") == 0, "token");
    CHECK(c.ca_pem && strstr(c.ca_pem, "MIIB") && strstr(c.ca_pem, "END CERTIFICATE"), "inline PEM");
    CHECK(strcmp(c.app, "shop") == 0 && strcmp(c.component, "checkout") == 0, "app from file, component from flag");
    CHECK(strcmp(c.version, "unknown") == 0, "default version");
    CHECK(c.spool_bytes == 64u << 20, "size suffix");

    tt_config d;
    char *argv2[] = {"run", "--portal", "[::1]", "--", "/usr/bin/my prog", NULL};
    CHECK(tt_cli_parse(&d, 5, argv2, 1) == 0, "parse 2");
    tt_config_resolve(&d);
    CHECK(strcmp(d.host, "::1") == 0 && d.port == 8444, "IPv6, default port");
    CHECK(strcmp(d.app, "my_prog") == 0, "app from basename, sanitized: %s", d.app);

    snprintf(path, sizeof path, "%s/bad.conf", tmpdir);
    f = fopen(path, "w");
    fprintf(f, "portal = x\nthis line is wrong\nfrobnicate = 1\n");
    fclose(f);
    tt_config e;
    char *argv3[] = {"doctor", "--config", path, NULL};
    tt_cli_parse(&e, 3, argv3, 0);
    tt_config_resolve(&e);
    CHECK(e.config_error && strstr(e.config_error_msg, ":3:"), "bad config reported: %s", e.config_error_msg);

    tt_config g;
    char *argv4[] = {"run", "-a", "bad name", "--", "x", NULL};
    CHECK(tt_cli_parse(&g, 5, argv4, 1) == 2, "invalid app name refused");
}

static void test_frames(void) {
    tt_bytes_buf b = {0};
    tt_frame_gap(&b, 5, 3, "spool_full", "d");
    CHECK(b.data[0] == TT_F_GAP && b.data[4] == b.len - 5, "GAP frame header");
    uint8_t welcome[] = {0x08, 1, 0x10, 7, 0x18, 0xe8, 0x07, 0x20, 0x80, 0x80, 0x80, 2, 0x3a, 3, 'd', 'e', 'v'};
    tt_welcome w = {0};
    CHECK(tt_decode_welcome(welcome, sizeof welcome, &w) == 0 && w.next_seq == 1000 && w.agent_id == 7 &&
              w.max_frame_bytes == (4u << 20) && strcmp(w.server_version, "dev") == 0, "WELCOME decoded");
    CHECK(!w.has_trace && w.trace == NULL, "a WELCOME without fields 8-9 lists nothing to trace");
    /* Two packages (one with a space, which the agent could not take, is left out), then field 9. */
    uint8_t traced[] = {0x18, 5, 0x42, 5, 'p', 'k', 'g', ':', 'a', 0x42, 3, 'b', ' ', 'c', 0x42, 1, 'z', 0x48, 3};
    CHECK(tt_decode_welcome(traced, sizeof traced, &w) == 0 && w.has_trace && w.trace &&
              strcmp(w.trace, "pkg:a\nz\n") == 0, "WELCOME's trace list decoded, bad entries left out");
    tt_welcome_free(&w);
    uint8_t empty_list[] = {0x18, 5, 0x48, 0};
    CHECK(tt_decode_welcome(empty_list, sizeof empty_list, &w) == 0 && w.has_trace && w.trace_len == 0,
          "an empty trace list is a list (the agent's file is emptied)");
    uint8_t no_end[] = {0x18, 5, 0x42, 1, 'z'};
    CHECK(tt_decode_welcome(no_end, sizeof no_end, &w) == 0 && !w.has_trace && w.trace == NULL,
          "entries without field 9 are not taken as a list");
    CHECK(tt_java_methods_vulnerable("vulnerable") && tt_java_methods_vulnerable("pkg:maven/x/*, vulnerable ") &&
              !tt_java_methods_vulnerable("off") && !tt_java_methods_vulnerable(NULL) &&
              !tt_java_methods_vulnerable("vulnerable-ish"), "TELLTALE_JAVA_METHODS asks for the list");
    tt_bb_free(&b);
}

/* ---- host environment ---- */

static void write_file(const char *root, const char *rel, const char *text) {
    char path[1024], cmd[1200];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
    if (system(cmd) != 0) {
        printf("mkdir for %s failed\n", path);
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return;
    }
    fputs(text, f);
    fclose(f);
}

#define MAX_PKGS 16
typedef struct seen_pkg {
    char name[64];
    char version[32], manager[8], licence[64];
    int nfiles;
    char files[160][128];
} seen_pkg;

/* Decodes the host_env event's packages: name and files of each. */
static int decode_packages(const uint8_t *ev, size_t len, seen_pkg *out) {
    int n = 0;
    tt_pb r, body, pr;
    tt_pb_field f, bf, pf;
    tt_pb_init(&r, ev, len);
    while (tt_pb_next(&r, &f) == 1) {
        if (f.num != 6) {
            continue;
        }
        tt_pb_init(&body, f.data, f.len);
        while (tt_pb_next(&body, &bf) == 1) {
            if (bf.num != 4 || n >= MAX_PKGS) {
                continue;
            }
            seen_pkg *p = &out[n++];
            memset(p, 0, sizeof *p);
            tt_pb_init(&pr, bf.data, bf.len);
            while (tt_pb_next(&pr, &pf) == 1) {
                if (pf.num == 1) {
                    snprintf(p->name, sizeof p->name, "%.*s", (int) pf.len, (const char *) pf.data);
                } else if (pf.num == 2) {
                    snprintf(p->version, sizeof p->version, "%.*s", (int) pf.len, (const char *) pf.data);
                } else if (pf.num == 5) {
                    snprintf(p->licence, sizeof p->licence, "%.*s", (int) pf.len, (const char *) pf.data);
                } else if (pf.num == 6) {
                    snprintf(p->manager, sizeof p->manager, "%.*s", (int) pf.len, (const char *) pf.data);
                } else if (pf.num == 7 && p->nfiles < 160) {
                    snprintf(p->files[p->nfiles++], 128, "%.*s", (int) pf.len, (const char *) pf.data);
                }
            }
        }
    }
    return n;
}

static const seen_pkg *find_pkg(const seen_pkg *p, int n, const char *name) {
    for (int i = 0; i < n; i++) {
        if (strcmp(p[i].name, name) == 0) {
            return &p[i];
        }
    }
    return NULL;
}

static int has_file(const seen_pkg *p, const char *path) {
    for (int i = 0; p && i < p->nfiles; i++) {
        if (strcmp(p->files[i], path) == 0) {
            return 1;
        }
    }
    return 0;
}

static void test_hostenv_dpkg(void) {
    char root[300];
    snprintf(root, sizeof root, "%s/dpkg-root", tmpdir);
    write_file(root, "var/lib/dpkg/status",
               "Package: libc6\nStatus: install ok installed\nPriority: optional\nSection: libs\n"
               "Architecture: amd64\nMulti-Arch: same\nSource: glibc\nVersion: 2.36-9+deb12u4\n"
               "Description: GNU C Library: Shared libraries\n\n"
               "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\n"
               "Source: openssl\nVersion: 3.0.11-1~deb12u2\n\n"
               "Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u2\n\n"
               "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\n"
               "Source: zlib\nVersion: 1:1.2.13.dfsg-1\n\n"
               "Package: libbig\nStatus: install ok installed\nArchitecture: all\nVersion: 1.0\n\n"
               "Package: libold1\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 0.9\n");
    write_file(root, "var/lib/dpkg/info/libc6:amd64.list",
               "/.\n/etc\n/etc/ld.so.conf\n/etc/ld.so.conf.d/x86_64-linux-gnu.conf\n/lib\n/lib/x86_64-linux-gnu\n"
               "/lib/x86_64-linux-gnu/libc.so.6\n/lib/x86_64-linux-gnu/libm.so.6\n/lib64/ld-linux-x86-64.so.2\n"
               "/usr/lib/x86_64-linux-gnu/gconv/UTF-16.so\n/usr/share/doc/libc6/copyright\n"
               "/usr/share/lintian/overrides/libc6\n/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache\n");
    write_file(root, "var/lib/dpkg/info/libssl3:amd64.list",
               "/usr/lib/x86_64-linux-gnu/engines-3/afalg.so\n/usr/lib/x86_64-linux-gnu/libcrypto.so.3\n"
               "/usr/lib/x86_64-linux-gnu/libssl.so.3\n/usr/share/doc/libssl3/changelog.Debian.gz\n");
    write_file(root, "var/lib/dpkg/info/openssl.list", "/usr/bin/openssl\n/etc/ssl/openssl.cnf\n/usr/lib/ssl\n");
    write_file(root, "var/lib/dpkg/info/zlib1g:amd64.list",
               "/lib/x86_64-linux-gnu/libz.so.1\n/lib/x86_64-linux-gnu/libz.so.1.2.13\n/usr/share/doc/zlib1g\n");
    static char big[201 * 40 + 1];
    big[0] = 0;
    for (int i = 0; i < 200; i++) {
        char line[40];
        snprintf(line, sizeof line, "/usr/lib/big/mod%03d.so\n", i);
        strcat(big, line);
    }
    strcat(big, "/usr/lib/libbig.so.1\n");
    write_file(root, "var/lib/dpkg/info/libbig.list", big);
    write_file(root, "var/lib/dpkg/info/libold1:amd64.list", "/usr/lib/libold.so.1\n");

    tt_hostenv_stats st;
    size_t len = 0;
    uint8_t *ev = tt_hostenv_build(root, &len, &st);
    CHECK(ev != NULL, "host_env built");
    if (!ev) {
        return;
    }
    static seen_pkg pk[MAX_PKGS];
    int n = decode_packages(ev, len, pk);
    free(ev);
    CHECK(n == 5 && st.dpkg == 5, "5 installed packages, was %d (%u)", n, st.dpkg);
    const seen_pkg *libc = find_pkg(pk, n, "libc6");
    CHECK(libc && libc->nfiles == 4, "libc6: its 4 shared objects, was %d", libc ? libc->nfiles : -1);
    CHECK(has_file(libc, "/lib/x86_64-linux-gnu/libc.so.6") && has_file(libc, "/lib64/ld-linux-x86-64.so.2") &&
              has_file(libc, "/usr/lib/x86_64-linux-gnu/gconv/UTF-16.so"), "libc6's libraries from libc6:amd64.list");
    CHECK(!has_file(libc, "/etc/ld.so.conf"), "a configuration file is no library");
    const seen_pkg *ssl = find_pkg(pk, n, "libssl3");
    CHECK(ssl && ssl->nfiles == 3 && has_file(ssl, "/usr/lib/x86_64-linux-gnu/libssl.so.3"), "libssl3's libraries");
    const seen_pkg *cli = find_pkg(pk, n, "openssl");
    CHECK(cli && cli->nfiles == 0, "openssl ships no library");
    const seen_pkg *z = find_pkg(pk, n, "zlib1g");
    CHECK(z && z->nfiles == 2 && has_file(z, "/lib/x86_64-linux-gnu/libz.so.1.2.13"), "zlib1g: libz.so.1 and its target");
    const seen_pkg *b = find_pkg(pk, n, "libbig");
    CHECK(b && b->nfiles == 128 && st.files_truncated, "at most 128 files per package, was %d", b ? b->nfiles : -1);
    CHECK(has_file(b, "/usr/lib/libbig.so.1"), "the library before its 200 plugins");
    CHECK(st.files == 4 + 3 + 2 + 128, "files counted: %u", st.files);
}

static void test_hostenv_apk(void) {
    char root[300];
    snprintf(root, sizeof root, "%s/apk-root", tmpdir);
    write_file(root, "lib/apk/db/installed",
               "C:Q1SmNc2kKrJrCFdXvF3Yv8XEQ7zPk=\nP:musl\nV:1.2.4-r2\nA:x86_64\nS:383152\nL:MIT\no:musl\n"
               "F:lib\nR:ld-musl-x86_64.so.1\na:0:0:755\nZ:Q1abc=\nR:libc.musl-x86_64.so.1\n\n"
               "P:libssl3\nV:3.1.4-r5\nA:x86_64\nL:Apache-2.0\no:openssl\nF:lib\nR:libssl.so.3\n"
               "F:usr/lib\nF:usr/lib/ossl-modules\nR:legacy.so\nF:etc/apk\nR:x.so.conf\n\n"
               "P:busybox\nV:1.36.1-r15\nA:x86_64\nL:GPL-2.0-only\nF:bin\nR:busybox\n");
    tt_hostenv_stats st;
    size_t len = 0;
    uint8_t *ev = tt_hostenv_build(root, &len, &st);
    CHECK(ev != NULL, "host_env built");
    if (!ev) {
        return;
    }
    static seen_pkg pk[MAX_PKGS];
    int n = decode_packages(ev, len, pk);
    free(ev);
    CHECK(n == 3 && st.apk == 3, "3 apk packages, was %d", n);
    const seen_pkg *musl = find_pkg(pk, n, "musl");
    CHECK(musl && musl->nfiles == 2 && has_file(musl, "/lib/ld-musl-x86_64.so.1") &&
              has_file(musl, "/lib/libc.musl-x86_64.so.1"), "musl's files from F:/R: lines");
    const seen_pkg *ssl = find_pkg(pk, n, "libssl3");
    CHECK(ssl && ssl->nfiles == 2 && has_file(ssl, "/lib/libssl.so.3") && has_file(ssl, "/usr/lib/ossl-modules/legacy.so"),
          "libssl3's libraries, not its /etc file");
    const seen_pkg *bb = find_pkg(pk, n, "busybox");
    CHECK(bb && bb->nfiles == 0, "busybox ships no library");
}

/* The OS packages of a second run with unchanged databases come from the cache; a changed
 * status file, or a cache directory others may write to, means reading the databases again. */
static void test_hostenv_cache(void) {
    char root[300], cache[300];
    snprintf(root, sizeof root, "%s/cache-root", tmpdir);
    snprintf(cache, sizeof cache, "%s/cache", tmpdir);
    setenv("TELLTALE_CACHE_DIR", cache, 1);
    write_file(root, "var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\n"
               "Source: glibc\nVersion: 2.36-9+deb12u4\n\n");
    write_file(root, "var/lib/dpkg/info/libc6:amd64.list", "/lib/x86_64-linux-gnu/libc.so.6\n");
    tt_hostenv_stats st;
    size_t len1 = 0, len2 = 0;
    uint8_t *ev1 = tt_hostenv_build(root, &len1, &st);
    CHECK(ev1 && !st.cached && st.dpkg == 1, "first run reads dpkg");
    uint8_t *ev2 = tt_hostenv_build(root, &len2, &st);
    CHECK(ev2 && st.cached && st.dpkg == 1 && st.files == 1, "second run from the cache");
    static seen_pkg a[MAX_PKGS], b[MAX_PKGS];
    int na = ev1 ? decode_packages(ev1, len1, a) : -1, nb = ev2 ? decode_packages(ev2, len2, b) : -2;
    CHECK(na == 1 && nb == 1 && !strcmp(a[0].name, b[0].name) && !strcmp(a[0].version, b[0].version) &&
          b[0].nfiles == 1 && !strcmp(b[0].files[0], "/lib/x86_64-linux-gnu/libc.so.6"), "the same packages");
    free(ev1);
    free(ev2);
    write_file(root, "var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\n"
               "Source: glibc\nVersion: 2.36-9+deb12u7\n\n");
    uint8_t *ev3 = tt_hostenv_build(root, &len2, &st);
    int n3 = ev3 ? decode_packages(ev3, len2, b) : -1;
    CHECK(ev3 && !st.cached && n3 == 1 && !strcmp(b[0].version, "2.36-9+deb12u7"), "an upgrade is read again");
    free(ev3);
    chmod(cache, 0777);
    uint8_t *ev4 = tt_hostenv_build(root, &len2, &st);
    CHECK(ev4 && !st.cached, "a cache directory others can write is not trusted");
    free(ev4);
}

/* The system-wide Python and Node packages come from the cache with the OS packages; a package
 * installed anywhere in those trees means reading them again; the working directory's are read
 * at every run. */
static void test_hostenv_cache_lang(void) {
    char root[300], cwd[1024], rel[1400], cache[300];
    snprintf(root, sizeof root, "%s/cache-lang-root", tmpdir);
    snprintf(cache, sizeof cache, "%s/cache-lang", tmpdir);
    setenv("TELLTALE_CACHE_DIR", cache, 1); /* test_hostenv_cache left its own open to others */
    write_file(root, "var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\n"
               "Source: glibc\nVersion: 2.36-9+deb12u4\n\n");
    write_file(root, "usr/lib/node_modules/npm/package.json", "{\"name\":\"npm\",\"version\":\"10.2.4\"}");
    write_file(root, "usr/lib/node_modules/npm/node_modules/abbrev/package.json", "{\"name\":\"abbrev\",\"version\":\"2.0.0\"}");
    write_file(root, "usr/local/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA", "Name: six\nVersion: 1.16.0\n");
    if (!getcwd(cwd, sizeof cwd)) {
        return;
    }
    snprintf(rel, sizeof rel, "%s/node_modules/left-pad/package.json", cwd + 1);
    write_file(root, rel, "{\"name\":\"left-pad\",\"version\":\"1.3.0\"}");
    static seen_pkg pk[MAX_PKGS];
    tt_hostenv_stats st;
    size_t len = 0;
    uint8_t *ev = tt_hostenv_build(root, &len, &st);
    CHECK(ev && !st.cached && st.npm == 3 && st.pypi == 1, "first run reads them all, npm %u pypi %u", st.npm, st.pypi);
    free(ev);
    ev = tt_hostenv_build(root, &len, &st);
    int n = ev ? decode_packages(ev, len, pk) : -1;
    CHECK(ev && st.cached && st.npm == 3 && st.pypi == 1 && find_pkg(pk, n, "abbrev") && find_pkg(pk, n, "six") &&
          find_pkg(pk, n, "left-pad"), "second run: system packages from the cache, npm %u pypi %u", st.npm, st.pypi);
    free(ev);
    snprintf(rel, sizeof rel, "%s/node_modules/right-pad/package.json", cwd + 1);
    write_file(root, rel, "{\"name\":\"right-pad\",\"version\":\"1.0.0\"}");
    ev = tt_hostenv_build(root, &len, &st);
    n = ev ? decode_packages(ev, len, pk) : -1;
    CHECK(ev && st.cached && st.npm == 4 && find_pkg(pk, n, "right-pad"), "the working directory's are read again");
    free(ev);
    write_file(root, "usr/lib/node_modules/npm/node_modules/nopt/package.json", "{\"name\":\"nopt\",\"version\":\"7.2.0\"}");
    ev = tt_hostenv_build(root, &len, &st);
    n = ev ? decode_packages(ev, len, pk) : -1;
    CHECK(ev && !st.cached && find_pkg(pk, n, "nopt") && find_pkg(pk, n, "abbrev"), "a nested npm install is seen");
    free(ev);
    write_file(root, "usr/local/lib/python3.11/site-packages/idna-3.6.dist-info/METADATA", "Name: idna\nVersion: 3.6\n");
    ev = tt_hostenv_build(root, &len, &st);
    n = ev ? decode_packages(ev, len, pk) : -1;
    CHECK(ev && !st.cached && st.pypi == 2 && find_pkg(pk, n, "idna"), "a pip install is seen");
    free(ev);
}

/* Python distributions and Node packages on disk: system places, the working directory's
 * virtual environment and node_modules; Debian's dist-packages left to dpkg. */
static void test_hostenv_lang(void) {
    char root[300], cwd[1024], rel[1400];
    snprintf(root, sizeof root, "%s/lang-root", tmpdir);
    const char *site = "usr/local/lib/python3.11/site-packages";
    snprintf(rel, sizeof rel, "%s/requests-2.31.0.dist-info/METADATA", site);
    write_file(root, rel, "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n"
               "Classifier: License :: OSI Approved :: Apache Software License\n\nLicense: not a header\n");
    snprintf(rel, sizeof rel, "%s/requests-2.31.0.dist-info/top_level.txt", site);
    write_file(root, rel, "requests\n");
    snprintf(rel, sizeof rel, "%s/requests/__init__.py", site);
    write_file(root, rel, "");
    snprintf(rel, sizeof rel, "%s/six-1.16.0.dist-info/METADATA", site);
    write_file(root, rel, "Name: six\nVersion: 1.16.0\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\n");
    snprintf(rel, sizeof rel, "%s/six-1.16.0.dist-info/RECORD", site);
    write_file(root, rel, "six.py,sha256=abc,34549\nsix-1.16.0.dist-info/METADATA,,\n__pycache__/six.cpython-311.pyc,,\n"
               "../../../bin/six-tool,,\n_six_speedups.cpython-311-x86_64-linux-gnu.so,sha256=def,100\n");
    snprintf(rel, sizeof rel, "%s/six.py", site);
    write_file(root, rel, "");
    snprintf(rel, sizeof rel, "%s/_six_speedups.cpython-311-x86_64-linux-gnu.so", site);
    write_file(root, rel, "");
    write_file(root, "usr/lib/python3/dist-packages/debianpkg-1.0.dist-info/METADATA", "Name: debianpkg\nVersion: 1.0\n");
    if (!getcwd(cwd, sizeof cwd)) {
        return;
    }
    snprintf(rel, sizeof rel, "%s/.venv/lib/python3.11/site-packages/flask-3.0.0.dist-info/METADATA", cwd + 1);
    write_file(root, rel, "Name: Flask\nVersion: 3.0.0\nLicense-Expression: BSD-3-Clause\n");
    snprintf(rel, sizeof rel, "%s/node_modules/left-pad/package.json", cwd + 1);
    write_file(root, rel, "{\"dependencies\": {\"version\": \"9\"}, \"name\": \"left-pad\",\n \"version\" : \"1.3.0\","
               " \"license\": \"WTFPL\"}");
    snprintf(rel, sizeof rel, "%s/node_modules/@scope/pkg/package.json", cwd + 1);
    write_file(root, rel, "{\"name\":\"@scope/pkg\",\"version\":\"2.0.0\",\"description\":\"a \\\"quoted\\\" name\"}");
    snprintf(rel, sizeof rel, "%s/node_modules/@scope/pkg/node_modules/inner/package.json", cwd + 1);
    write_file(root, rel, "{\"name\":\"inner\",\"version\":\"0.1.0\",\"license\":{\"type\":\"MIT\"}}");
    write_file(root, "usr/local/lib/node_modules/npm/package.json", "{\"name\":\"npm\",\"version\":\"10.2.4\"}");
    write_file(root, "usr/local/lib/node_modules/broken/package.json", "{\"name\":\"broken\"");

    tt_hostenv_stats st;
    size_t len = 0;
    uint8_t *ev = tt_hostenv_build(root, &len, &st);
    CHECK(ev != NULL, "host_env built");
    if (!ev) {
        return;
    }
    static seen_pkg pk[MAX_PKGS];
    int n = decode_packages(ev, len, pk);
    free(ev);
    CHECK(st.pypi == 3 && st.npm == 4, "3 Python and 4 Node packages, were %u and %u", st.pypi, st.npm);
    const seen_pkg *req = find_pkg(pk, n, "requests");
    CHECK(req && !strcmp(req->version, "2.31.0") && !strcmp(req->manager, "pypi") && !strcmp(req->licence, "Apache 2.0"),
          "requests 2.31.0 from METADATA");
    char want[1500];
    snprintf(want, sizeof want, "%s/%s/requests/", root, site);
    CHECK(req && req->nfiles == 1 && has_file(req, want), "requests installs its package directory");
    const seen_pkg *six = find_pkg(pk, n, "six");
    CHECK(six && !strcmp(six->licence, "MIT License"), "the classifier names six's licence, was %s", six ? six->licence : "-");
    snprintf(want, sizeof want, "%s/%s/six.py", root, site);
    CHECK(six && six->nfiles == 2 && has_file(six, want), "six: its module from RECORD and its native module");
    const seen_pkg *flask = find_pkg(pk, n, "Flask");
    CHECK(flask && !strcmp(flask->licence, "BSD-3-Clause"), "Flask from the working directory's .venv");
    CHECK(!find_pkg(pk, n, "debianpkg"), "dist-packages of the distribution are dpkg's");
    const seen_pkg *lp = find_pkg(pk, n, "left-pad");
    CHECK(lp && !strcmp(lp->version, "1.3.0") && !strcmp(lp->manager, "npm") && !strcmp(lp->licence, "WTFPL"),
          "left-pad 1.3.0: top-level members only, was %s", lp ? lp->version : "-");
    CHECK(find_pkg(pk, n, "@scope/pkg") && find_pkg(pk, n, "inner") && find_pkg(pk, n, "npm"), "scoped, nested, global");
    const seen_pkg *inner = find_pkg(pk, n, "inner");
    CHECK(inner && inner->licence[0] == 0, "a licence object is no SPDX string");
    CHECK(!find_pkg(pk, n, "broken"), "a package.json without a version is skipped");
    char out[16];
    CHECK(!tt_json_top_string("{\"a\":\"0123456789abcdefgh\"}", 26, "a", out, sizeof out), "too long for the buffer");
    CHECK(tt_json_top_string("{\"a\" : \"x\\\"y\"}", 14, "a", out, sizeof out) && !strcmp(out, "x\"y"), "escapes, was %s", out);
}

/* An rpm database under a fake root, made by the rpm tools (skipped where they are missing). */
static void test_hostenv_rpm(void) {
    if (access("/usr/bin/rpmbuild", X_OK) != 0 || access("/usr/bin/rpm", X_OK) != 0) {
        printf("rpm host_env test skipped: rpmbuild and rpm not installed\n");
        return;
    }
    char top[300], root[300], cmd[2048];
    snprintf(top, sizeof top, "%s/rpmbuild", tmpdir);
    snprintf(root, sizeof root, "%s/rpm-root", tmpdir);
    write_file(top, "SPECS/openssl-libs.spec",
               "Name: openssl-libs\nVersion: 3.0.7\nRelease: 24.el9\nSummary: OpenSSL libraries\n"
               "License: Apache-2.0\nBuildArch: x86_64\n%description\nlibraries\n%install\n"
               "mkdir -p %{buildroot}/usr/lib64/engines-3 %{buildroot}/etc/pki/tls %{buildroot}/usr/share/doc/o\n"
               "for f in /usr/lib64/libssl.so.3 /usr/lib64/libcrypto.so.3 /usr/lib64/engines-3/afalg.so "
               "/etc/pki/tls/openssl.cnf /usr/share/doc/o/README; do echo x > %{buildroot}$f; done\n"
               "%files\n/usr/lib64/libssl.so.3\n/usr/lib64/libcrypto.so.3\n/usr/lib64/engines-3/afalg.so\n"
               "/etc/pki/tls/openssl.cnf\n/usr/share/doc/o/README\n");
    snprintf(cmd, sizeof cmd,
             "rpmbuild --define '_topdir %s' -bb %s/SPECS/openssl-libs.spec >/dev/null 2>&1 && "
             "rpm --root %s --dbpath /var/lib/rpm --initdb >/dev/null 2>&1 && "
             "rpm --root %s --dbpath /var/lib/rpm -i --justdb --nodeps --ignorearch --ignoreos "
             "%s/RPMS/x86_64/openssl-libs-3.0.7-24.el9.x86_64.rpm >/dev/null 2>&1",
             top, top, root, root, top);
    if (system(cmd) != 0) {
        printf("rpm host_env test skipped: could not build the fake rpm database\n");
        return;
    }
    tt_hostenv_stats st;
    size_t len = 0;
    uint8_t *ev = tt_hostenv_build(root, &len, &st);
    CHECK(ev != NULL, "host_env built");
    if (!ev) {
        return;
    }
    static seen_pkg pk[MAX_PKGS];
    int n = decode_packages(ev, len, pk);
    free(ev);
    CHECK(n == 1 && st.rpm == 1, "1 rpm package, was %d (%s)", n, st.notes);
    const seen_pkg *ssl = find_pkg(pk, n, "openssl-libs");
    CHECK(ssl && ssl->nfiles == 3 && has_file(ssl, "/usr/lib64/libssl.so.3") &&
              has_file(ssl, "/usr/lib64/engines-3/afalg.so") && !has_file(ssl, "/etc/pki/tls/openssl.cnf"),
          "openssl-libs with its 3 libraries from rpm's file list, was %d", ssl ? ssl->nfiles : -1);
}

/* The value of NAME in a child environment, or NULL. */
static const char *env_of(char **env, const char *name) {
    size_t n = strlen(name);
    for (; env && *env; env++) {
        if (!strncmp(*env, name, n) && (*env)[n] == '=') {
            return *env + n + 1;
        }
    }
    return NULL;
}

static void test_java_agent_env(void) {
    tt_config c;
    memset(&c, 0, sizeof c);
    c.stacks = 1;
    unsetenv("TELLTALE_JAVA_AGENT");
    CHECK(tt_wants_java_agent("/usr/lib/jvm/x/bin/java") && tt_wants_java_agent("java"), "java commands");
    CHECK(!tt_wants_java_agent("/bin/sh") && !tt_wants_java_agent("/usr/bin/javac"), "other commands");
    setenv("TELLTALE_JAVA_AGENT", "1", 1);
    CHECK(tt_wants_java_agent("/usr/bin/mvn"), "forced for any command");
    setenv("TELLTALE_JAVA_AGENT", "0", 1);
    CHECK(!tt_wants_java_agent("/usr/bin/java"), "disabled");
    unsetenv("TELLTALE_JAVA_AGENT");

    unsetenv("JAVA_TOOL_OPTIONS");
    char **env = tt_child_env(&c, "/opt/tt/lib/libtelltale.so", "@chan", NULL, "/opt/tt/lib/java/a.jar");
    const char *v = env_of(env, "JAVA_TOOL_OPTIONS");
    CHECK(v && !strcmp(v, "-javaagent:/opt/tt/lib/java/a.jar"), "alone: %s", v ? v : "(none)");
    setenv("JAVA_TOOL_OPTIONS", "-Xmx1g -Dx=1", 1);
    env = tt_child_env(&c, "/opt/tt/lib/libtelltale.so", "@chan", NULL, "/opt/tt/lib/java/a.jar");
    v = env_of(env, "JAVA_TOOL_OPTIONS");
    CHECK(v && !strcmp(v, "-Xmx1g -Dx=1 -javaagent:/opt/tt/lib/java/a.jar"), "appended: %s", v ? v : "(none)");
    setenv("JAVA_TOOL_OPTIONS", "-Dx=1 -javaagent:/opt/tt/lib/java/a.jar", 1);
    env = tt_child_env(&c, "/opt/tt/lib/libtelltale.so", "@chan", NULL, "/opt/tt/lib/java/a.jar");
    v = env_of(env, "JAVA_TOOL_OPTIONS");
    CHECK(v && !strcmp(v, "-Dx=1 -javaagent:/opt/tt/lib/java/a.jar"), "not twice (nested run): %s", v ? v : "(none)");
    env = tt_child_env(&c, "/opt/tt/lib/libtelltale.so", "@chan", NULL, NULL);
    v = env_of(env, "JAVA_TOOL_OPTIONS");
    CHECK(v && !strcmp(v, "-Dx=1 -javaagent:/opt/tt/lib/java/a.jar"), "untouched without an agent");
    unsetenv("JAVA_TOOL_OPTIONS");
}

/* The bytes tt_strn must write for s: ASCII and valid UTF-8 as is, every other byte as \xNN. */
static size_t expected_str(const unsigned char *s, size_t n, char *out) {
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t k = tt_utf8_seq(s + i, n - i);
        if (k == 0) {
            o += (size_t) sprintf(out + o, "\\x%02x", s[i]);
            i++;
        } else {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        }
    }
    return o;
}

static void test_wire_strings(void) {
    /* every length 0..40 and a bad or multi-byte sequence at every offset: the eight-byte
     * ASCII scan must neither skip a bad byte nor split a sequence */
    const char *inserts[] = {"", "\xff", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3", "\xed\xa0\x80"};
    int bad = 0;
    for (size_t len = 0; len <= 40; len++) {
        for (size_t ins = 0; ins < sizeof inserts / sizeof inserts[0]; ins++) {
            for (size_t at = 0; at <= len; at++) {
                unsigned char s[64];
                size_t il = strlen(inserts[ins]);
                memset(s, 'a' + (int) (len % 26), len);
                memmove(s + at + il, s + at, len - at);
                memcpy(s + at, inserts[ins], il);
                size_t n = len + il;
                uint8_t buf[512];
                tt_buf b;
                tt_buf_init(&b, buf, sizeof buf);
                tt_strn(&b, 3, (const char *) s, n);
                char want[512];
                size_t wl = expected_str(s, n, want);
                if (!tt_buf_ok(&b) || buf[0] != (3 << 3 | 2) || buf[1] != wl || b.len != 2 + wl ||
                    memcmp(buf + 2, want, wl) != 0) {
                    bad++;
                }
            }
        }
    }
    CHECK(bad == 0, "%d strings encoded wrongly", bad);
    uint8_t buf[16];
    tt_buf b;
    tt_buf_init(&b, buf, sizeof buf);
    tt_uint(&b, 1, 127);
    tt_uint(&b, 2, 128);
    tt_sint(&b, 3, -1);
    tt_uint(&b, 4, 300);
    const uint8_t want[] = {0x08, 0x7f, 0x10, 0x80, 0x01, 0x18, 0x01, 0x20, 0xac, 0x02};
    CHECK(tt_buf_ok(&b) && b.len == sizeof want && memcmp(buf, want, sizeof want) == 0, "varints");
    tt_buf_init(&b, buf, 3);
    tt_uint(&b, 1, 1);
    tt_uint(&b, 2, 2);
    CHECK(!tt_buf_ok(&b) && b.len <= 3, "a full buffer overflows instead of writing past its end");
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/tt-unit-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    char cache[300];
    snprintf(cache, sizeof cache, "%s/hostenv-cache", tmpdir);
    setenv("TELLTALE_CACHE_DIR", cache, 1); /* not the user's cache */
    test_spool_basic();
    test_crc32c();
    test_spool_torn_tail();
    test_spool_leave();
    test_spool_damaged_closed_segment();
    test_spool_full();
    test_spool_full_active_acked();
    test_spool_raise();
    test_redact();
    test_config();
    test_frames();
    test_hostenv_dpkg();
    test_hostenv_apk();
    test_hostenv_lang();
    test_hostenv_cache();
    test_hostenv_cache_lang();
    test_hostenv_rpm();
    test_java_agent_env();
    test_wire_strings();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) {
        printf("could not remove %s\n", tmpdir);
    }
    fflush(stdout);
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
