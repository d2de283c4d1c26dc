/* plan.c - the GPU count and cost one instance type needs (see plan.h). */
#include "plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void settle(fs_plan_result *o, const fs_step *s, const fs_plan_job *job, double price)
{
    o->have_step = true;
    o->step = *s;
    o->hours = job->total_units / s->throughput / 3600.0;
    o->cost_usd = price > 0 ? s->nodes * price * o->hours : NAN;
}

int fs_plan_type(const fs_train_in *in, const long *gpus, size_t n, const fs_plan_job *job,
                 double usd_per_hour, fs_plan_result *o, fs_err *err)
{
    memset(o, 0, sizeof *o);
    o->cost_usd = NAN;
    long sorted[64];
    long *g = n <= 64 ? sorted : malloc(n * sizeof *g);
    if (!g) return fs_err_set(err, FS_EXIT_RUNTIME, "out of memory");
    memcpy(g, gpus, n * sizeof *g);
    qsort(g, n, sizeof *g, cmp_long);

    int gpn = in->cl.gpus_per_node, rc = 0;
    fs_err first = {0};
    size_t possible = 0, fitting = 0;
    fs_step big = {0}; /* the largest count the layout can use: the most sharded states */
    fs_step dl = {0}, best = {0},
            fast = {0}; /* first to meet the deadline; largest above the floor; fastest */
    for (size_t i = 0; i < n; i++) {
        int count = (int)g[i];
        if (count % gpn) continue; /* instances are rented whole */
        fs_step s;
        fs_err e = {0};
        if (fs_train_step(in, count, &s, &e)) {
            if (!first.status) first = e;
            continue;
        }
        possible++;
        big = s;
        if (!s.fits) continue;
        fitting++;
        bool in_time = job->total_units / s.throughput / 3600.0 <= job->deadline_h;
        if (in_time && !dl.gpus) dl = s;
        if (s.throughput > fast.throughput) fast = s;
        if (s.efficiency < job->min_eff) continue;
        best = s;
        if (in_time) {
            o->status = FS_PLAN_OK;
            settle(o, &s, job, usd_per_hour);
            goto done;
        }
    }
    if (possible == 0) {
        if (first.status)
            rc = fs_err_set(err, first.status, "%s", first.msg);
        else
            rc = fs_err_set(err, FS_EXIT_INPUT,
                            "--gpus: no count in the list is a whole number of %d-GPU nodes", gpn);
    } else if (fitting == 0) {
        o->status = FS_PLAN_NO_FIT;
        char hint[64];
        fs_train_fit_hint(in, big.gpus, hint, sizeof hint);
        snprintf(o->why, sizeof o->why,
                 "does not fit at any listed count: %.3g GB per GPU at %d GPUs (states %.3g + "
                 "activations %.3g) > %.3g GB; %s%s",
                 big.mem_GB, big.gpus, big.state_GB, isfinite(big.act_GB) ? big.act_GB : 0,
                 in->cl.mem_GB, hint[0] ? "fits with " : "no single option makes it fit", hint);
    } else if (dl.gpus) {
        o->status = FS_PLAN_BELOW_FLOOR;
        settle(o, &dl, job, usd_per_hour);
        snprintf(o->why, sizeof o->why,
                 "meets the deadline only below the floor: efficiency %.3f < %.2f at %d GPUs",
                 dl.efficiency, job->min_eff, dl.gpus);
    } else {
        o->status = FS_PLAN_TOO_SLOW;
        settle(o, best.gpus ? &best : &fast, job, usd_per_hour);
        snprintf(o->why, sizeof o->why, "misses the deadline: %.0f h > %.0f h at %d GPUs, the %s",
                 o->hours, job->deadline_h, o->step.gpus,
                 best.gpus ? "largest listed count above the floor" : "fastest listed count");
    }
done:
    if (g != sorted) free(g);
    return rc;
}
