/*
 * rte_threads.h - the runtime seam (fs_rte.h) for unit tests: p ranks are
 * threads of one process, and barrier, broadcast, gather, reductions and
 * maxloc go through shared memory.  Each collective is two barriers: every
 * rank publishes its input pointer, waits, reads what it needs, waits again
 * (so no one overwrites an input still being read).  Results are exact and
 * in rank order, so tests can assert on them.
 *
 * Combine with tests/collectives/fake_transport.c for a data path: its
 * fake_world_run gives each thread a transport, fs_rte_threads_rank(w,
 * tp->rank) the matching runtime.
 */
#ifndef FS_RTE_THREADS_H
#define FS_RTE_THREADS_H

#include "fs_rte.h"

typedef struct fs_rte_threads fs_rte_threads;

/* A world of nranks (1..64); NULL when out of memory or out of range. */
fs_rte_threads *fs_rte_threads_new(int nranks);
void fs_rte_threads_free(fs_rte_threads *w);

/* Rank r's runtime; valid until fs_rte_threads_free. */
fs_rte *fs_rte_threads_rank(fs_rte_threads *w, int rank);

/* Run fn(rte, arg) on every rank, one thread each, and join them.
 * Returns 0 when every rank returned 0, else the first nonzero by rank. */
int fs_rte_threads_run(fs_rte_threads *w, int (*fn)(fs_rte *rte, void *arg), void *arg);

/* The runtime's abort (nothing in a unit test should call it) prints the
 * message and ends the process with the code (1 if the code is 0), so the
 * test fails visibly instead of hanging the other ranks. */

#endif
