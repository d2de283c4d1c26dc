/* watchdog.c - progress watchdog thread. */
#include "watchdog.h"

#include <errno.h>
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
    atomic_ulong beat;
    atomic_bool stop;
    pthread_mutex_t ctx_lock; /* guards what */
    char what[512];
    pthread_mutex_t doc_lock;
} wd = {.ctx_lock = PTHREAD_MUTEX_INITIALIZER, .doc_lock = PTHREAD_MUTEX_INITIALIZER};

/* Only the main thread writes the counter, so a relaxed load and store (two
 * plain moves, no locked instruction) are enough: cheap inside timed loops. */
void fs_watchdog_beat(void)
{
    unsigned long b = atomic_load_explicit(&wd.beat, memory_order_relaxed);
    atomic_store_explicit(&wd.beat, b + 1, memory_order_relaxed);
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
    snprintf(wd.what, sizeof wd.what, "%s over %s/%s at %zu bytes: %s", bench, transport, provider,
             bytes, peer);
    pthread_mutex_unlock(&wd.ctx_lock);
    fs_watchdog_beat();
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *watch(void *unused)
{
    (void)unused;
    unsigned long last = atomic_load(&wd.beat);
    double since = now_s();
    /* Ranks other than 0 wait a little longer, so that when rank 0 is alive
     * its message (and its saved results) come first. */
    double limit = wd.timeout_s + (wd.rank == 0 ? 0 : 2.0);
    while (!atomic_load(&wd.stop)) {
        struct timespec nap = {0, 100 * 1000 * 1000};
        nanosleep(&nap, NULL);
        unsigned long b = atomic_load_explicit(&wd.beat, memory_order_relaxed);
        double t = now_s();
        if (b != last) {
            last = b;
            since = t;
            continue;
        }
        if (t - since < limit) continue;
        char what[512];
        pthread_mutex_lock(&wd.ctx_lock);
        snprintf(what, sizeof what, "%s", wd.what[0] ? wd.what : "start-up");
        pthread_mutex_unlock(&wd.ctx_lock);
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
