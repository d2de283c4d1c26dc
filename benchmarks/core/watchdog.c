/* watchdog.c - progress watchdog thread. */
#include "watchdog.h"

#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static struct {
    pthread_t thread;
    bool running;
    double timeout_s;
    fs_rte *rte;
    int rank;
    fs_watchdog_save_fn save;
    void *arg;
    atomic_int waiting; /* nesting depth of fs_watchdog_wait_begin */
    atomic_bool stop;
    pthread_mutex_t ctx_lock; /* guards what */
    char what[512];           /* "latency over mpi/mpi at 64 bytes" */
    char peer[64];            /* "rank 1 did not answer" */
    char setup[512];          /* the set-up phase under way, "" when measuring */
    pthread_mutex_t doc_lock;
} wd = {.ctx_lock = PTHREAD_MUTEX_INITIALIZER,
        .doc_lock = PTHREAD_MUTEX_INITIALIZER,
        .setup = "start-up"};

void fs_watchdog_wait_begin(void)
{
    atomic_fetch_add_explicit(&wd.waiting, 1, memory_order_relaxed);
}

void fs_watchdog_wait_end(void)
{
    atomic_fetch_sub_explicit(&wd.waiting, 1, memory_order_relaxed);
    fs_rte_heartbeat(); /* the collective completed */
}

double fs_watchdog_limit(double timeout_s, bool waiting, int rank)
{
    return timeout_s * (waiting ? FS_WATCHDOG_WAIT_FACTOR : 1) + (rank == 0 ? 0 : 2.0);
}

void fs_watchdog_lock(void)
{
    pthread_mutex_lock(&wd.doc_lock);
}
void fs_watchdog_unlock(void)
{
    pthread_mutex_unlock(&wd.doc_lock);
}

void fs_watchdog_context(const char *bench, const char *transport, const char *provider,
                         size_t bytes, int waiting_for)
{
    char peer[64];
    if (waiting_for >= 0)
        snprintf(peer, sizeof peer, "rank %d did not answer", waiting_for);
    else
        snprintf(peer, sizeof peer, "a rank of the collective did not answer");
    pthread_mutex_lock(&wd.ctx_lock);
    snprintf(wd.what, sizeof wd.what, "%s over %s/%s at %zu bytes", bench, transport, provider,
             bytes);
    snprintf(wd.peer, sizeof wd.peer, "%s", peer);
    wd.setup[0] = '\0';
    pthread_mutex_unlock(&wd.ctx_lock);
    fs_watchdog_beat();
}

void fs_watchdog_setup(const char *what)
{
    pthread_mutex_lock(&wd.ctx_lock);
    snprintf(wd.setup, sizeof wd.setup, "%s", what && *what ? what : "set-up");
    pthread_mutex_unlock(&wd.ctx_lock);
    fs_watchdog_beat();
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

unsigned long long fs_watchdog_parse_io(const char *text)
{
    unsigned long long total = 0, v;
    for (const char *line = text; line && *line; line = strchr(line, '\n')) {
        if (*line == '\n') line++;
        if ((sscanf(line, "rchar: %llu", &v) == 1) || (sscanf(line, "wchar: %llu", &v) == 1))
            total += v;
    }
    return total;
}

/* Bytes the watchdog's own reads of /proc/self/io and /proc/self/stat
 * added to the process's read count: not progress. */
static unsigned long long own_reads;

/* Bytes this process moved through read/write-family system calls
 * (/proc/self/io), less what reading that file itself added; 0 where the
 * file cannot be read. */
static unsigned long long io_bytes(void)
{
    /* own_reads: bytes our reads of /proc files added */
    char buf[512];
    int fd = open("/proc/self/io", O_RDONLY);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    /* The kernel counts a read after it returns: this one is not in buf. */
    /* Nor are the status line's writes progress. */
    unsigned long long v = fs_watchdog_parse_io(buf) - own_reads - fs_status_written();
    own_reads += (unsigned long long)n;
    return v;
}

unsigned long long fs_watchdog_parse_faults(const char *text)
{
    /* The command name may hold spaces and parentheses: fields count from
     * the last ')'.  Then state ppid pgrp session tty_nr tpgid flags
     * minflt cminflt majflt. */
    const char *p = text ? strrchr(text, ')') : NULL;
    unsigned long long minflt, cminflt, majflt;
    if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %llu %llu %llu", &minflt, &cminflt,
                     &majflt) != 3)
        return 0;
    return minflt + majflt;
}

/* Page faults of this process so far (0 where /proc/self/stat cannot be
 * read): a rank touching memory for the first time (a run's buffers, an
 * MPI library's temporary buffer inside a large reduction: ~60 MB/s on a
 * loaded virtual machine) faults all along; one spinning on a silent peer
 * does not. */
static unsigned long long faults(void)
{
    char buf[1024];
    int fd = open("/proc/self/stat", O_RDONLY);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    own_reads += (unsigned long long)n;
    buf[n] = '\0';
    return fs_watchdog_parse_faults(buf);
}

static void *watch(void *unused)
{
    (void)unused;
    unsigned long last = atomic_load(&fs_rte_heartbeats);
    unsigned long long last_io = io_bytes(), last_faults = faults();
    double since = now_s();
    while (!atomic_load(&wd.stop)) {
        struct timespec nap = {0, 100 * 1000 * 1000};
        nanosleep(&nap, NULL);
        unsigned long b = atomic_load_explicit(&fs_rte_heartbeats, memory_order_relaxed);
        unsigned long long io = io_bytes(), flt = faults();
        double t = now_s();
        /* Completions, or bytes through the process's sockets: an MPI
         * library that interleaves the fragments of many large messages
         * (ob1 over TCP, 16 x 1 MiB in flight) completes none of them
         * until the last bytes arrive, seconds later on a slow link, while
         * its readv/writev calls move bytes all along.  A stopped peer
         * moves none.  Page faults too: first touch of large buffers (a
         * run's, or an MPI library's temporary buffer inside a large
         * reduction); a rank polling a stopped peer faults none (seen:
         * minflt flat while ob1 spins in MPI_Recv). */
        if (b != last || io != last_io || flt != last_faults) {
            last = b;
            last_io = io;
            last_faults = flt;
            since = t;
            continue;
        }
        bool waiting = atomic_load_explicit(&wd.waiting, memory_order_relaxed) > 0;
        pthread_mutex_lock(&wd.ctx_lock);
        bool setup = wd.setup[0] != '\0';
        char what[600];
        if (setup)
            snprintf(what, sizeof what, "%s", wd.setup);
        else if (waiting)
            snprintf(what, sizeof what, "%s", wd.what);
        else
            snprintf(what, sizeof what, "%s: %s", wd.what, wd.peer);
        pthread_mutex_unlock(&wd.ctx_lock);
        if (t - since < fs_watchdog_limit(wd.timeout_s, waiting || setup, wd.rank)) continue;
        if (waiting)
            fprintf(stderr,
                    "fabscale-bench: watchdog: rank %d waited %.0f s for the other ranks "
                    "(%d x --timeout) in %s; aborting the job\n",
                    wd.rank, t - since, FS_WATCHDOG_WAIT_FACTOR, what);
        else if (setup)
            fprintf(stderr,
                    "fabscale-bench: watchdog: rank %d made no progress for %.0f s "
                    "(%d x --timeout) in %s; aborting the job\n",
                    wd.rank, t - since, FS_WATCHDOG_WAIT_FACTOR, what);
        else
            fprintf(stderr,
                    "fabscale-bench: watchdog: rank %d made no progress for %.0f s in %s; "
                    "aborting the job\n",
                    wd.rank, t - since, what);
        if (wd.rank == 0 && wd.save) {
            /* The main thread is stuck inside an iteration, not in the
             * document; the lock keeps us from catching it mid-save. */
            if (pthread_mutex_lock(&wd.doc_lock) == 0) {
                wd.save(wd.arg);
                pthread_mutex_unlock(&wd.doc_lock);
            }
        }
        fflush(NULL);
        fs_rte_abort(wd.rte, 1, NULL);
    }
    return NULL;
}

int fs_watchdog_start(double timeout_s, fs_rte *rte, fs_watchdog_save_fn save, void *arg)
{
    if (timeout_s <= 0) return 0;
    wd.timeout_s = timeout_s;
    wd.rte = rte;
    wd.rank = rte->rank;
    wd.save = save;
    wd.arg = arg;
    atomic_store(&wd.stop, false);
    if (pthread_create(&wd.thread, NULL, watch, NULL)) return -1;
    wd.running = true;
    return 0;
}

void fs_watchdog_stop(void)
{
    if (!wd.running) return;
    atomic_store(&wd.stop, true);
    pthread_join(wd.thread, NULL);
    wd.running = false;
}
