/*
 * train_overlap.c - how much data-parallel communication hides behind
 * backward (see train.h): DDP buckets in closed form, FSDP units event by
 * event on one communication stream.
 */
#include <math.h>

#include "train.h"

double fs_bucket_exposed_us(int k, double t, double tr, double t_bwd, double frac_per_bucket)
{
    if (k <= 0) return 0;
    if (k == 1) return tr;              /* the only bucket is ready when backward ends */
    double d = t_bwd * frac_per_bucket; /* bucket i (< k) is ready at i*d */
    /* One stream: bucket j's chain ends at j*d + (k-j)*t for j = 1..k-1, linear in
     * j, so the latest end is at an endpoint. */
    double end = fmax(d + (k - 1) * t, (k - 1) * d + t);
    return fmax(t_bwd, end) + tr - t_bwd;
}

/* One communication stream: an operation issued at `at` starts when the
 * stream is free and returns its end. */
static double issue(double *stream, double at, double dur)
{
    double start = fmax(*stream, at);
    *stream = start + dur;
    return *stream;
}

double fs_fsdp_microbatch_us(int k, double cf, double cb, double ag, double rs)
{
    if (k <= 0) return 0;
    double stream = 0, done = 0, ready = issue(&stream, 0, ag);
    /* forward: unit i needs its gather; the next gather is issued when unit i starts */
    for (int i = 0; i < k; i++) {
        double start = fmax(ready, done);
        if (i + 1 < k) ready = issue(&stream, start, ag);
        done = start + cf;
    }
    /* backward, units in reverse: gather again (prefetch one), compute, reduce-scatter */
    ready = issue(&stream, done, ag);
    for (int i = 0; i < k; i++) {
        double start = fmax(ready, done);
        if (i + 1 < k) ready = issue(&stream, start, ag);
        done = start + cb;
        issue(&stream, done, rs);
    }
    return fmax(done, stream);
}
