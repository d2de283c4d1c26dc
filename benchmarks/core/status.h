/* status.h - what rank 0 tells the person waiting, on stderr.
 *
 * On a terminal one status line: run i/n, benchmark, size k/n, elapsed and
 * the ETA of the whole launch, redrawn in place by a thread (every
 * FS_STATUS_TICK_S) on the terminal's last row, which a scroll region keeps
 * for it: the table scrolls above it whatever order the launcher forwards
 * stdout and stderr in (under mpirun they reach the terminal through
 * separate pipes, so a line drawn and erased around each row would garble
 * rows).  Off a terminal (a log file, CI) no line per size: one line at
 * most every FS_STATUS_LOG_EVERY_S seconds.  Under mpirun a rank's stderr is
 * a pipe whatever the user's is, so "auto" also asks whether the
 * launcher's (the parent process's) stderr is a terminal, and the line is
 * written there. */
#ifndef FS_STATUS_H
#define FS_STATUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define FS_STATUS_LOG_EVERY_S 10.0
#define FS_STATUS_TICK_S      0.25

typedef enum fs_progress_mode {
    FS_PROGRESS_AUTO,
    FS_PROGRESS_LINE, /* one status line on a terminal */
    FS_PROGRESS_LOG,  /* a line every FS_STATUS_LOG_EVERY_S at most */
    FS_PROGRESS_NONE,
} fs_progress_mode;

typedef struct fs_status {
    fs_progress_mode mode; /* LINE, LOG or NONE once started */
    FILE *err;             /* LOG */
    int tty;               /* LINE: the terminal's descriptor */
    int rows;              /* LINE: its height; the status sits on the last */
    long total, done;      /* points planned and measured in the launch */
    int run, nruns;
    double t_start, spent_s; /* spent_s: seconds the done points took */
    double guess_s;          /* a point's time before any is done */
    double last_log;
    char what[200]; /* "latency mpi/mpi size 3/17 (4 B)" */
    pthread_mutex_t lock;
    pthread_t thread;
    bool running, stop;
} fs_status;

/* AUTO resolves to LINE when stderr, or the launcher's, is a terminal,
 * else LOG.  total: points the launch plans (runs x sizes); guess_s: what
 * one is expected to take before any is done. */
void fs_status_start(fs_status *s, fs_progress_mode mode, FILE *err, int nruns, long total,
                     double guess_s, double now);
/* A run (benchmark on a transport) begins. */
void fs_status_run(fs_status *s);
/* A point begins. */
void fs_status_point(fs_status *s, const char *bench, const char *transport, const char *provider,
                     size_t k, size_t n, size_t bytes);
/* The point ended (point_s: its time, warm-up and set-up included), or was
 * skipped (point_s < 0: it leaves the plan). */
void fs_status_point_done(fs_status *s, double point_s);
/* Stop the thread, give the terminal its whole height back, clear the
 * line.  Before the launch's last messages. */
void fs_status_end(fs_status *s);

/* Bytes the status thread has written so far (the watchdog counts the
 * process's I/O as progress, and these are not). */
unsigned long long fs_status_written(void);

/* Seconds left in the launch (pure): the done points took spent_s; the rest
 * are expected at the same mean, or guess_s each before any is done. */
double fs_status_eta(long done, long total, double spent_s, double guess_s);

/* "1 h 02 min", "3 min 05 s", "42 s" (pure). */
void fs_status_duration(double s, char *buf, size_t len);

/* The status text (pure): "[fabscale-bench] run 1/2 WHAT; 3 s elapsed,
 * about 42 s left" (LINE), with "DONE/TOTAL points, " first (LOG). */
void fs_status_text(const fs_status *s, double now, bool log, char *buf, size_t len);

#endif
