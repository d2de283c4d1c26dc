/* status.c - rank 0's status line or periodic log line (see status.h). */
#include "status.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static atomic_ullong written;

unsigned long long fs_status_written(void)
{
    return atomic_load_explicit(&written, memory_order_relaxed);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double fs_status_eta(long done, long total, double spent_s, double guess_s)
{
    long left = total - done;
    if (left <= 0) return 0;
    double each = done > 0 ? spent_s / (double)done : guess_s;
    return each * (double)left;
}

void fs_status_duration(double s, char *buf, size_t len)
{
    long t = lround(s < 0 ? 0 : s);
    if (t >= 3600)
        snprintf(buf, len, "%ld h %02ld min", t / 3600, t / 60 % 60);
    else if (t >= 60)
        snprintf(buf, len, "%ld min %02ld s", t / 60, t % 60);
    else
        snprintf(buf, len, "%ld s", t);
}

void fs_status_text(const fs_status *s, double now, bool log, char *buf, size_t len)
{
    char el[32], eta[32], pts[48] = "";
    fs_status_duration(now - s->t_start, el, sizeof el);
    fs_status_duration(fs_status_eta(s->done, s->total, s->spent_s, s->guess_s), eta, sizeof eta);
    if (log) snprintf(pts, sizeof pts, "%ld/%ld points, ", s->done, s->total);
    snprintf(buf, len, "[fabscale-bench] %srun %d/%d %s; %s elapsed, about %s left", pts, s->run,
             s->nruns, s->what[0] ? s->what : "starting", el, eta);
}

/* The terminal stderr reaches: our own, or the launcher's (mpirun forks
 * the local ranks itself, so the parent's descriptor 2 is what the user
 * sees).  -1 when neither is one. */
static int find_tty(FILE *err)
{
    if (isatty(fileno(err))) return dup(fileno(err));
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd/2", (long)getppid());
    int fd = open(path, O_WRONLY | O_NOCTTY);
    if (fd >= 0 && isatty(fd)) return fd;
    if (fd >= 0) close(fd);
    return -1;
}

static void put(int fd, const char *text)
{
    size_t n = strlen(text);
    while (n > 0) {
        ssize_t w = write(fd, text, n);
        if (w <= 0) return;
        atomic_fetch_add_explicit(&written, (unsigned long long)w, memory_order_relaxed);
        text += w;
        n -= (size_t)w;
    }
}

/* One write, so the launcher's forwarded output falls before or after it,
 * never inside: save the cursor, draw on the last row, restore. */
static void draw_line(fs_status *s, double now)
{
    char text[400], seq[512];
    fs_status_text(s, now, false, text, sizeof text);
    struct winsize ws;
    int cols = ioctl(s->tty, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
    if ((int)strlen(text) >= cols) text[cols - 1] = '\0';
    snprintf(seq, sizeof seq, "\0337\033[%d;1H\033[K%s\0338", s->rows, text);
    put(s->tty, seq);
}

static void *tick(void *arg)
{
    fs_status *s = arg;
    for (;;) {
        struct timespec nap = {0, (long)(FS_STATUS_TICK_S * 1e9)};
        nanosleep(&nap, NULL);
        pthread_mutex_lock(&s->lock);
        if (s->stop) {
            pthread_mutex_unlock(&s->lock);
            return NULL;
        }
        double now = now_s();
        if (s->mode == FS_PROGRESS_LINE) {
            draw_line(s, now);
        } else if (now - s->last_log >= FS_STATUS_LOG_EVERY_S) {
            char text[400];
            fs_status_text(s, now, true, text, sizeof text);
            fprintf(s->err, "%s\n", text);
            fflush(s->err);
            atomic_fetch_add_explicit(&written, strlen(text) + 1, memory_order_relaxed);
            s->last_log = now;
        }
        pthread_mutex_unlock(&s->lock);
    }
}

void fs_status_start(fs_status *s, fs_progress_mode mode, FILE *err, int nruns, long total,
                     double guess_s, double now)
{
    *s = (fs_status){.mode = mode,
                     .err = err,
                     .tty = -1,
                     .total = total,
                     .nruns = nruns,
                     .guess_s = guess_s,
                     .t_start = now,
                     .last_log = now};
    pthread_mutex_init(&s->lock, NULL);
    if (mode == FS_PROGRESS_NONE) return;
    if (mode != FS_PROGRESS_LOG) {
        s->tty = find_tty(err);
        struct winsize ws;
        if (s->tty >= 0 && ioctl(s->tty, TIOCGWINSZ, &ws) == 0 && ws.ws_row >= 3) {
            s->rows = ws.ws_row;
            s->mode = FS_PROGRESS_LINE;
            /* A fresh last row for the status, then a scroll region above
             * it (setting one homes the cursor: saved and restored). */
            char seq[64];
            snprintf(seq, sizeof seq, "\n\033[1A\0337\033[1;%dr\0338", s->rows - 1);
            put(s->tty, seq);
        } else {
            if (s->tty >= 0) close(s->tty);
            s->tty = -1;
            s->mode = FS_PROGRESS_LOG;
        }
    }
    s->running = pthread_create(&s->thread, NULL, tick, s) == 0;
}

void fs_status_run(fs_status *s)
{
    pthread_mutex_lock(&s->lock);
    s->run++;
    pthread_mutex_unlock(&s->lock);
}

void fs_status_point(fs_status *s, const char *bench, const char *transport, const char *provider,
                     size_t k, size_t n, size_t bytes)
{
    pthread_mutex_lock(&s->lock);
    snprintf(s->what, sizeof s->what, "%s %s/%s size %zu/%zu (%zu B)", bench, transport, provider,
             k, n, bytes);
    pthread_mutex_unlock(&s->lock);
}

void fs_status_point_done(fs_status *s, double point_s)
{
    pthread_mutex_lock(&s->lock);
    if (point_s < 0) {
        s->total--;
    } else {
        s->done++;
        s->spent_s += point_s;
    }
    pthread_mutex_unlock(&s->lock);
}

void fs_status_end(fs_status *s)
{
    if (s->running) {
        pthread_mutex_lock(&s->lock);
        s->stop = true;
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
        s->running = false;
    }
    if (s->tty >= 0) {
        /* The whole height back, the status row cleared. */
        char seq[64];
        snprintf(seq, sizeof seq, "\0337\033[r\033[%d;1H\033[K\0338", s->rows);
        put(s->tty, seq);
        close(s->tty);
        s->tty = -1;
    }
    pthread_mutex_destroy(&s->lock);
    s->mode = FS_PROGRESS_NONE;
}
