/* pattern.c - payload patterns for --validate, and benchmark error text. */
#include "bench.h"
#include "watchdog.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A byte stream that differs per sender and per size, so a message from the
 * wrong peer, a stale buffer or a shifted copy all show up as mismatches. */
static inline unsigned char pattern_byte(uint32_t seed, size_t off)
{
    uint32_t x = seed ^ (uint32_t)(off * 2654435761u) ^ (uint32_t)(off >> 32);
    x ^= x >> 15;
    x *= 0x2c1b3c6du;
    x ^= x >> 12;
    return (unsigned char)(x ^ (x >> 8));
}

uint32_t fs_pattern_seed(int sender_rank, size_t bytes)
{
    return (uint32_t)sender_rank * 0x9e3779b9u ^ (uint32_t)bytes * 0x85ebca6bu ^ 0x5bd1e995u;
}

/* Bytes between heartbeats: a 256 MiB payload takes a second or more to
 * fill or check on a loaded core, and the watchdog must see it progress. */
#define PATTERN_BEAT ((size_t)1 << 20)

void fs_pattern_fill(void *buf, size_t len, uint32_t seed)
{
    unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) {
        if (i % PATTERN_BEAT == PATTERN_BEAT - 1) fs_watchdog_beat();
        p[i] = pattern_byte(seed, i);
    }
}

size_t fs_pattern_check(const void *buf, size_t len, uint32_t seed)
{
    const unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) {
        if (i % PATTERN_BEAT == PATTERN_BEAT - 1) fs_watchdog_beat();
        if (p[i] != pattern_byte(seed, i)) return i;
    }
    return (size_t)-1;
}

int fs_bench_fail(fs_bench_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->errmsg, c->errmsg_len, fmt, ap);
    va_end(ap);
    return FS_ERUNTIME;
}
