/* watchdog.h - abort a job that stops making progress.
 *
 * On a rented cluster a hung benchmark burns paid hours: a peer died, a
 * security group drops EFA traffic, a provider deadlocks.  A thread per rank
 * watches a heartbeat the harness advances after every iteration; when it has not moved for the
 * timeout, the thread saves the results measured so far (rank 0, "complete": false), prints what
 * was being measured and which rank this one waits for, and aborts the job (the runtime's abort:
 * MPI_Abort under mpirun). */
#ifndef FS_WATCHDOG_H
#define FS_WATCHDOG_H

#include <stddef.h>

#include "fs_rte.h"

/* Called on rank 0 by the watchdog thread before aborting: save results. */
typedef void (*fs_watchdog_save_fn)(void *arg);

/* Start the thread (timeout_s <= 0: no watchdog); it ends the job with
 * rte's abort.  Returns 0 or -1. */
int fs_watchdog_start(double timeout_s, fs_rte *rte, fs_watchdog_save_fn save, void *arg);
void fs_watchdog_stop(void);

/* Progress: cheap (a relaxed load and store), called after every iteration. */
void fs_watchdog_beat(void);

/* What is being measured, for the message: set between points. */
void fs_watchdog_context(const char *bench, const char *transport, const char *provider,
                         size_t bytes, int waiting_for /* -1: all ranks */);

/* Serialise the results document between the main thread and the watchdog. */
void fs_watchdog_lock(void);
void fs_watchdog_unlock(void);

#endif
