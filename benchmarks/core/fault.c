/* fault.c - FS_FAULT parsing and the injection hooks. */
#include "fault.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fs_rte.h"

typedef enum { F_HANG, F_KILL, F_CORRUPT, F_DELAY, F_SLOW } fault_kind;
#define NKINDS 5

typedef struct fault {
    fault_kind kind;
    int rank;
    long bytes; /* -1: any size */
    unsigned us;
} fault;

static fault faults[8];
static int nfaults;

static int parse_one(char *spec, fault *f, char *why, size_t len)
{
    static const char *const kinds[NKINDS] = {"hang", "kill", "corrupt", "delay", "slow"};
    char *save = NULL, *tok = strtok_r(spec, ":", &save);
    *f = (fault){.rank = -1, .bytes = -1};
    int k = -1;
    for (int i = 0; tok && i < NKINDS; i++)
        if (strcmp(tok, kinds[i]) == 0) k = i;
    if (k < 0) {
        snprintf(why, len, "FS_FAULT: unknown fault \"%s\" (hang, kill, corrupt, delay, slow)",
                 tok ? tok : "");
        return -1;
    }
    f->kind = (fault_kind)k;
    while ((tok = strtok_r(NULL, ":", &save))) {
        char *eq = strchr(tok, '='), *end;
        if (!eq) goto bad;
        *eq = '\0';
        long v = strtol(eq + 1, &end, 10);
        if (*end || v < 0) goto bad;
        if (strcmp(tok, "rank") == 0)
            f->rank = (int)v;
        else if (strcmp(tok, "bytes") == 0)
            f->bytes = v;
        else if (strcmp(tok, "us") == 0)
            f->us = (unsigned)v;
        else
            goto bad;
    }
    if (f->rank < 0) {
        snprintf(why, len, "FS_FAULT: %s needs rank=R", kinds[k]);
        return -1;
    }
    return 0;
bad:
    snprintf(why, len, "FS_FAULT: bad field \"%s\" (rank=R, bytes=N, us=U)", tok);
    return -1;
}

int fs_fault_init(int rank, char *why, size_t len)
{
    const char *env = getenv("FS_FAULT");
    nfaults = 0;
    if (!env || !*env) return 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", env);
    char *save = NULL;
    for (char *s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
        fault f;
        if (parse_one(s, &f, why, len)) return -1;
        if (f.rank == rank && nfaults < 8) faults[nfaults++] = f;
    }
    return 0;
}

static bool at(const fault *f, size_t bytes)
{
    return f->bytes < 0 || (size_t)f->bytes == bytes;
}

void fs_fault_point_start(size_t bytes)
{
    for (int i = 0; i < nfaults; i++) {
        if (!at(&faults[i], bytes)) continue;
        if (faults[i].kind == F_HANG) raise(SIGSTOP);
        if (faults[i].kind == F_KILL) _exit(137);
    }
}

void fs_fault_before_validate(fs_bench_ctx *c)
{
    for (int i = 0; i < nfaults; i++)
        if (faults[i].kind == F_CORRUPT && at(&faults[i], c->bytes) && c->bytes > 0)
            ((unsigned char *)c->sbuf)[c->bytes / 2] ^= 0x5a;
}

unsigned fs_fault_delay_us(size_t bytes)
{
    for (int i = 0; i < nfaults; i++)
        if (faults[i].kind == F_DELAY && at(&faults[i], bytes)) return faults[i].us;
    return 0;
}

void fs_fault_sleep_us(unsigned us)
{
    struct timespec ts = {us / 1000000, (long)(us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* slow: the transport's sends, each after a nap. */
static const struct fs_transport_ops *inner;
static struct fs_transport_ops slow_ops;

static void slow_down(size_t len)
{
    for (int i = 0; i < nfaults; i++) {
        if (faults[i].kind != F_SLOW || !at(&faults[i], len)) continue;
        fs_fault_sleep_us(faults[i].us);
        /* The nap stands for a link's time on the wire: this rank is at
         * work, as a rank whose sends complete one by one would be. */
        fs_rte_heartbeat();
    }
}

static int slow_isend(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr,
                      uint32_t tag, fs_req *req)
{
    slow_down(len);
    return inner->isend(tp, peer, buf, len, mr, tag, req);
}

static int slow_send(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr,
                     uint32_t tag)
{
    slow_down(len);
    return inner->send(tp, peer, buf, len, mr, tag);
}

static int slow_write_notify(fs_transport *tp, int peer, const void *buf, size_t len, fs_mr *mr,
                             const fs_rkey *dst, uint64_t offset, fs_req *req)
{
    slow_down(len);
    return inner->write_notify(tp, peer, buf, len, mr, dst, offset, req);
}

void fs_fault_wrap_transport(fs_transport *tp)
{
    bool slow = false;
    for (int i = 0; i < nfaults; i++) slow |= faults[i].kind == F_SLOW;
    if (!slow) return;
    inner = tp->ops;
    slow_ops = *tp->ops;
    slow_ops.isend = slow_isend;
    if (inner->send) slow_ops.send = slow_send;
    if (inner->write_notify) slow_ops.write_notify = slow_write_notify;
    tp->ops = &slow_ops;
}
