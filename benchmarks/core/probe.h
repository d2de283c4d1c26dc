/*
 * probe.h - the link's small-message latency at the start and at the end
 * of every run, so that analysis can tell a link that changed between two
 * benchmarks from a model that is wrong.
 *
 * A model fitted to the latency benchmark and checked against a
 * collective measured a minute later assumes the link stayed the same.
 * On a shared or virtual machine it may not: on the 2-core VM this was
 * built on, core-to-core latency over shared memory runs at 0.15-0.25 us
 * or at 0.5-0.7 us for seconds at a time (osu_latency shows it too), and
 * a fit made at one level and a collective measured at the other put a
 * 40-70 % "model error" into the output.  The probe is a short ping-pong
 * of FS_PROBE_BYTES between ranks 0 and nranks/2 (the first pair of the
 * point-to-point benchmarks) over the run's own transport, on buffers of
 * its own, each round trip the latency benchmark's own iteration (its
 * calls and tag: the probe runs between a run's points and its set-up or
 * teardown, when nothing else is in flight between the pair):
 * FS_PROBE_WARMUP untimed round trips, then timed ones until
 * FS_PROBE_MAX_ITERS or FS_PROBE_BUDGET_S (at least FS_PROBE_MIN_ITERS,
 * so that a slow link still gives a median).  The initiator says in each
 * ping whether another follows, so the responder needs no count.  Rank 0
 * records the median half round trip in the run's `link_probe`.
 */
#ifndef FS_PROBE_H
#define FS_PROBE_H

#include "bench.h"

#define FS_PROBE_BYTES     8
#define FS_PROBE_WARMUP    10
#define FS_PROBE_MIN_ITERS 5
#define FS_PROBE_MAX_ITERS 1000
#define FS_PROBE_BUDGET_S  0.01

/* The probe on c's transport (c->rank, c->nranks; nothing else of c is
 * touched).  Ranks other than 0 and nranks/2, and launches of one rank,
 * return 0 at once.  Returns 0 with, on rank 0, *one_way_us the median
 * half round trip and *iterations the timed round trips (NAN and 0
 * elsewhere), or a negative FS_E* code with c->errmsg set. */
int fs_link_probe(fs_bench_ctx *c, double *one_way_us, long *iterations);

#endif
