/* fault.h - fault injection for tests, off unless FS_FAULT is set.
 *
 *   FS_FAULT=KIND:rank=R[:bytes=N][:us=U]
 *     hang     rank R stops (SIGSTOP) when the point of N bytes starts:
 *              a peer that stopped answering; the watchdog must fire
 *     kill     rank R exits abruptly at N bytes: a node that died
 *     corrupt  rank R flips one payload byte before the validation
 *              iteration at N bytes: --validate must name the pair
 *     delay    rank R sleeps U microseconds in every iteration (all sizes,
 *              or only N): the slowest-rank statistic must name it
 *     slow     rank R's transport sleeps U microseconds before each message
 *              it sends (all sizes, or only N): a slow link, on which one
 *              iteration outlasts --timeout while its messages keep
 *              completing; the watchdog must not fire
 * Several faults may be given separated by ','. */
#ifndef FS_FAULT_H
#define FS_FAULT_H

#include <stdbool.h>
#include <stddef.h>

#include "bench.h"

/* Parse FS_FAULT for this rank.  Returns 0, or -1 with why (bad spec). */
int fs_fault_init(int rank, char *why, size_t len);

/* Hooks the harness calls; each is a no-op unless a fault targets this rank. */
void fs_fault_point_start(size_t bytes); /* hang, kill */
void fs_fault_before_validate(fs_bench_ctx *c);
/* Microseconds to sleep per iteration at this size (0: none). */
unsigned fs_fault_delay_us(size_t bytes);
void fs_fault_sleep_us(unsigned us);

/* After the transport's init: when a slow fault targets this rank, route
 * its sends through the delaying wrappers (tp->ops changes; the original
 * table still closes the transport). */
void fs_fault_wrap_transport(fs_transport *tp);

#endif
