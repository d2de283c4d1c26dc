/*
 * linkbw.c - independent check of the emulated cluster's links.
 *
 * The cluster integration test judges fabscale's fit against the rate the
 * links were shaped to.  That only means something if the shaping itself is
 * right, so this program measures the links with nothing but MPI: a windowed
 * stream between rank 0 and the rank half-way round (another host when each
 * host holds the same number of ranks), every rank streaming to the next at
 * once (ring: all links loaded together, as a ring all-reduce loads them),
 * or a timed MPI_Allreduce loop.  It prints one line and, given
 * --expect-MBps, fails when the figure is off (ring: the slowest rank's).
 *
 * Usage: mpirun ... fsc-linkbw [--mode stream|ring|allreduce] [--bytes N]
 *            [--seconds S] [--window W] [--expect-MBps X [--tolerance F]]
 * Rates are payload megabytes per second (10^6 bytes/s).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

enum { MODE_STREAM, MODE_RING, MODE_ALLREDUCE };

typedef struct opts {
    int mode;
    size_t bytes;   /* message (stream) or vector (allreduce) size */
    double seconds; /* measuring time after one warm-up round */
    int window;     /* messages in flight per stream round */
    double expect;  /* expected MB/s; 0 = no check */
    double tolerance;
} opts;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One bad argument: say which, on rank 0 only, and leave with status 2. */
static void usage_error(int rank, const char *what, const char *value)
{
    if (rank == 0) fprintf(stderr, "fsc-linkbw: %s: '%s'\n", what, value ? value : "(missing)");
    MPI_Finalize();
    exit(2);
}

static double parse_num(int rank, const char *name, const char *s, double lo, double hi)
{
    char *end = NULL;
    errno = 0;
    double v = s ? strtod(s, &end) : NAN;
    if (!s || errno || end == s || *end || !(v >= lo && v <= hi)) usage_error(rank, name, s);
    return v;
}

static opts parse(int rank, int argc, char **argv)
{
    opts o = {MODE_STREAM, 4u << 20, 2.0, 16, 0.0, 0.07};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--mode")) {
            if (v && !strcmp(v, "stream"))
                o.mode = MODE_STREAM;
            else if (v && !strcmp(v, "ring"))
                o.mode = MODE_RING;
            else if (v && !strcmp(v, "allreduce"))
                o.mode = MODE_ALLREDUCE;
            else
                usage_error(rank, "--mode must be stream, ring or allreduce", v);
        } else if (!strcmp(a, "--bytes")) {
            o.bytes = (size_t)parse_num(rank, "--bytes must be 8..1073741824", v, 8, 1 << 30);
        } else if (!strcmp(a, "--seconds")) {
            o.seconds = parse_num(rank, "--seconds must be 0.01..600", v, 0.01, 600);
        } else if (!strcmp(a, "--window")) {
            o.window = (int)parse_num(rank, "--window must be 1..1024", v, 1, 1024);
        } else if (!strcmp(a, "--expect-MBps")) {
            o.expect = parse_num(rank, "--expect-MBps must be positive", v, 1e-6, 1e9);
        } else if (!strcmp(a, "--tolerance")) {
            o.tolerance = parse_num(rank, "--tolerance must be 0..1", v, 0, 1);
        } else {
            usage_error(rank, "unknown option", a);
        }
        i++;
    }
    return o;
}

/* Rank 0 streams windows of messages to `peer`, each window acknowledged by
 * a zero-byte reply so the sender cannot run ahead of what arrived.  Returns
 * the payload rate seen by rank 0 (0 elsewhere). */
static double run_stream(const opts *o, int rank, int peer, char *buf)
{
    MPI_Request *req = malloc(sizeof(*req) * (size_t)o->window);
    if (!req) MPI_Abort(MPI_COMM_WORLD, 1);
    int go = 1;
    double t0 = 0, bytes = 0, rate = 0;
    for (int round = 0; go; round++) {
        if (rank == 0 && round == 1) { /* round 0 warms up connections and buffers */
            t0 = now_s();
            bytes = 0;
        }
        if (rank == 0) {
            for (int w = 0; w < o->window; w++)
                MPI_Isend(buf, (int)o->bytes, MPI_BYTE, peer, 1, MPI_COMM_WORLD, &req[w]);
            MPI_Waitall(o->window, req, MPI_STATUSES_IGNORE);
            MPI_Recv(NULL, 0, MPI_BYTE, peer, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            bytes += (double)o->bytes * o->window;
            go = round == 0 || now_s() - t0 < o->seconds;
            MPI_Send(&go, 1, MPI_INT, peer, 3, MPI_COMM_WORLD);
        } else {
            for (int w = 0; w < o->window; w++)
                MPI_Irecv(buf, (int)o->bytes, MPI_BYTE, 0, 1, MPI_COMM_WORLD, &req[w]);
            MPI_Waitall(o->window, req, MPI_STATUSES_IGNORE);
            MPI_Send(NULL, 0, MPI_BYTE, 0, 2, MPI_COMM_WORLD);
            MPI_Recv(&go, 1, MPI_INT, 0, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
    }
    if (rank == 0) rate = bytes / (now_s() - t0) / 1e6;
    free(req);
    return rate;
}

/* Every rank streams windows to rank+1 while receiving from rank-1; rank 0
 * decides after each round whether to go on.  Returns this rank's payload
 * send rate. */
static double run_ring(const opts *o, int rank, int nranks, char *sbuf, char *rbuf)
{
    MPI_Request *req = malloc(sizeof(*req) * 2 * (size_t)o->window);
    if (!req) MPI_Abort(MPI_COMM_WORLD, 1);
    int right = (rank + 1) % nranks, left = (rank + nranks - 1) % nranks, go = 1;
    double t0 = 0, bytes = 0;
    for (int round = 0; go; round++) {
        if (round == 1) { /* round 0 warms up */
            t0 = now_s();
            bytes = 0;
        }
        for (int w = 0; w < o->window; w++) {
            MPI_Irecv(rbuf, (int)o->bytes, MPI_BYTE, left, 5, MPI_COMM_WORLD, &req[2 * w]);
            MPI_Isend(sbuf, (int)o->bytes, MPI_BYTE, right, 5, MPI_COMM_WORLD, &req[2 * w + 1]);
        }
        MPI_Waitall(2 * o->window, req, MPI_STATUSES_IGNORE);
        bytes += (double)o->bytes * o->window;
        if (rank == 0) go = round == 0 || now_s() - t0 < o->seconds;
        MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
    }
    free(req);
    return bytes / (now_s() - t0) / 1e6;
}

/* Timed MPI_Allreduce loop over floats; the time of a round is the slowest
 * rank's, as in fabscale-bench.  Returns busbw (nccl-tests convention). */
static double run_allreduce(const opts *o, int nranks, char *sbuf, char *rbuf, double *time_us)
{
    int count = (int)(o->bytes / sizeof(float));
    MPI_Allreduce(sbuf, rbuf, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); /* warm-up */
    double total = 0;
    int iters = 0, go = 1;
    while (go) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t = now_s();
        MPI_Allreduce(sbuf, rbuf, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        t = now_s() - t;
        double tmax;
        MPI_Allreduce(&t, &tmax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        total += tmax;
        iters++;
        go = total < o->seconds; /* same value on every rank: tmax is shared */
    }
    *time_us = total / iters * 1e6;
    double algbw = (double)count * sizeof(float) / (total / iters) / 1e6;
    return algbw * 2.0 * (nranks - 1) / nranks;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, nranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    opts o = parse(rank, argc, argv);
    if (nranks < 2) usage_error(rank, "needs at least 2 ranks, got", "1");

    char host[MPI_MAX_PROCESSOR_NAME];
    int len;
    MPI_Get_processor_name(host, &len);
    char *sbuf = calloc(1, o.bytes), *rbuf = calloc(1, o.bytes);
    if (!sbuf || !rbuf) MPI_Abort(MPI_COMM_WORLD, 1);

    double rate = 0, time_us = 0;
    int peer = nranks / 2;
    if (o.mode == MODE_ALLREDUCE) {
        rate = run_allreduce(&o, nranks, sbuf, rbuf, &time_us);
    } else if (o.mode == MODE_RING) {
        double mine = run_ring(&o, rank, nranks, sbuf, rbuf);
        MPI_Allreduce(&mine, &rate, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
    } else if (rank == 0 || rank == peer) {
        rate = run_stream(&o, rank, rank == 0 ? peer : 0, rank == 0 ? sbuf : rbuf);
    }

    /* Where the peer ran, so a reader sees the stream really crossed hosts. */
    char peer_host[MPI_MAX_PROCESSOR_NAME] = "";
    if (rank == peer) MPI_Send(host, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 0, 4, MPI_COMM_WORLD);
    if (rank == 0)
        MPI_Recv(peer_host, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, peer, 4, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);

    int status = 0;
    if (rank == 0) {
        if (o.mode == MODE_ALLREDUCE)
            printf("allreduce ranks=%d bytes=%zu time_us=%.1f busbw_MBps=%.2f\n", nranks, o.bytes,
                   time_us, rate);
        else if (o.mode == MODE_RING)
            printf("ring ranks=%d bytes=%zu window=%d slowest_MBps=%.2f\n", nranks, o.bytes,
                   o.window, rate);
        else
            printf("stream %s->%s bytes=%zu window=%d MBps=%.2f\n", host, peer_host, o.bytes,
                   o.window, rate);
        if (o.expect > 0) {
            double err = (rate - o.expect) / o.expect;
            status = fabs(err) > o.tolerance;
            printf("%s: measured %.2f MB/s, expected %.2f MB/s, error %+.1f%% (limit %.1f%%)\n",
                   status ? "FAIL" : "PASS", rate, o.expect, 100 * err, 100 * o.tolerance);
        }
        fflush(stdout);
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return status;
}
