/* watchdog.h - abort a job that stops making progress.
 *
 * On a rented cluster a hung benchmark burns paid hours: a peer died, a
 * security group drops EFA traffic, a provider deadlocks.  A thread per rank
 * watches the process's heartbeat (fs_rte.h), which counts completions: a
 * transport's completed operations, iterations, runtime collectives; and,
 * on Linux, the bytes the process moves through its sockets (an MPI
 * library may complete many large messages only at the end of the lot)
 * and its page faults (memory touched for the first time).
 *
 * Who is expected to progress decides the limit.  A rank at work (inside
 * an iteration, or its own set-up) that sees no completion for --timeout
 * seconds is stuck on a peer: the thread saves the results measured so far
 * (rank 0, "complete": false), prints what was being measured and which
 * rank this one waits for, and aborts the job (MPI_Abort under mpirun).  A
 * rank waiting for the others in a runtime collective (a barrier, the
 * reduction after a batch, the idle rank of a pair benchmark with an odd
 * rank count) is not hung: the ranks it waits for are at work and watch
 * their own peers.  It gives up only after FS_WATCHDOG_WAIT_FACTOR times
 * the timeout, a backstop for a job in which every rank that could notice
 * has stopped.
 *
 * Set-up is the third state: start-up (binding, topology, metadata),
 * transport initialisation, and a run's allocation, first touch and
 * registration of its buffers are single steps that complete nothing for
 * a while (4 ranks touching 2 x 256 MiB each on 2 cores take seconds), and
 * a peer cannot be silent inside them.  From fs_watchdog_setup until the
 * next point begins (fs_watchdog_context) a rank has the waiting rank's
 * limit, and the message names the phase. */
#ifndef FS_WATCHDOG_H
#define FS_WATCHDOG_H

#include <stdbool.h>
#include <stddef.h>

#include "fs_rte.h"

/* A waiting rank's limit, in multiples of --timeout. */
#define FS_WATCHDOG_WAIT_FACTOR 10

/* Called on rank 0 by the watchdog thread before aborting: save results. */
typedef void (*fs_watchdog_save_fn)(void *arg);

/* Start the thread (timeout_s <= 0: no watchdog); it ends the job with
 * rte's abort.  Returns 0 or -1. */
int fs_watchdog_start(double timeout_s, fs_rte *rte, fs_watchdog_save_fn save, void *arg);
void fs_watchdog_stop(void);

/* Progress: one completion (fs_rte_heartbeat). */
static inline void fs_watchdog_beat(void)
{
    fs_rte_heartbeat();
}

/* This rank starts (begin) or stops (end: a completion) waiting for the
 * other ranks in a runtime collective.  Calls nest. */
void fs_watchdog_wait_begin(void);
void fs_watchdog_wait_end(void);

/* This rank enters a set-up phase named what ("start-up", "set-up of
 * allreduce over mpi/mpi"), which lasts until the next
 * fs_watchdog_context. */
void fs_watchdog_setup(const char *what);

/* Seconds without a completion after which a rank is declared hung: the
 * timeout while it works, FS_WATCHDOG_WAIT_FACTOR times that while it
 * waits; ranks other than 0 get 2 s more, so that when rank 0 is alive its
 * message (and its saved results) come first.  Pure. */
double fs_watchdog_limit(double timeout_s, bool waiting, int rank);

/* The rchar + wchar of a /proc/PID/io text: bytes a process moved through
 * read/write-family system calls (readv/writev on sockets among them);
 * the watchdog counts them as progress beside the completions.  Pure. */
unsigned long long fs_watchdog_parse_io(const char *text);

/* minflt + majflt of a /proc/PID/stat text: memory the process touched
 * for the first time, which the watchdog counts as progress too (a rank
 * touching 256 MiB buffers completes nothing for seconds).  0 when the
 * text is not a stat line.  Pure. */
unsigned long long fs_watchdog_parse_faults(const char *text);

/* What is being measured, for the message: set between points; ends a
 * set-up phase (the point's own preparation beats as it goes). */
void fs_watchdog_context(const char *bench, const char *transport, const char *provider,
                         size_t bytes, int waiting_for /* -1: all ranks */);

/* Serialise the results document between the main thread and the watchdog. */
void fs_watchdog_lock(void);
void fs_watchdog_unlock(void);

#endif
