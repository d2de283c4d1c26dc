/*
 * fake_transport.h - an in-process transport for the collectives' unit
 * tests: p "ranks" run as threads of one process, matching sends and
 * receives by (source, destination, tag) in posting order.
 *
 * It is stricter than any real provider, so an algorithm that passes here
 * is not leaning on luck:
 *  - rendezvous only: a send completes when its receive is posted, so an
 *    algorithm that needs buffering deadlocks (and is reported after a
 *    timeout instead of hanging);
 *  - data reaches a receive buffer only when the receiver waits for it, and
 *    the buffer is poisoned (0xFF: NaN in every float type) when posted, so
 *    reading it early gives wrong results;
 *  - a send buffer changed before the send is waited for, a receive
 *    overlapping another outstanding operation, a buffer outside its
 *    registration, a length mismatch, more outstanding sends than tx_depth
 *    or receives than rx_depth, and requests never waited for are errors.
 * Every send is logged (peer, tag, length, first and last 8 bytes) so tests
 * can check an algorithm's schedule.
 */
#ifndef FS_FAKE_TRANSPORT_H
#define FS_FAKE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "transport.h"

typedef struct fake_world fake_world;

typedef struct fake_rec {
    int src, dst;
    uint32_t tag;
    size_t len;
    unsigned char head[8], tail[8]; /* first and last (up to) 8 bytes sent */
} fake_rec;

fake_world *fake_world_new(int nranks, size_t tx_depth, size_t rx_depth);
void fake_world_free(fake_world *w);
fs_transport *fake_world_transport(fake_world *w, int rank);

/* Run fn(tp, arg) on every rank, one thread each; returns 0 when every rank
 * returned 0 and the world saw no error, else -1 (see fake_world_error). */
int fake_world_run(fake_world *w, int (*fn)(fs_transport *tp, void *arg), void *arg);

/* The sends rank posted since the last clear, in posting order. */
const fake_rec *fake_world_sends(fake_world *w, int rank, size_t *n);
void fake_world_clear_log(fake_world *w);
/* Highest number of sends / receives rank had outstanding at once. */
size_t fake_world_max_tx(fake_world *w, int rank);
size_t fake_world_max_rx(fake_world *w, int rank);
/* First error seen ("" if none). */
const char *fake_world_error(fake_world *w);

#endif
