/*
 * plan.h - capacity plans: for one instance type, the smallest GPU count
 * (whole nodes) that trains a job before its deadline while keeping the
 * efficiency above a floor, and what it costs.  Pure: no I/O.
 *
 * The smallest such count is also the cheapest one the list offers: cost =
 * nodes x price x hours, and nodes x hours grows as efficiency falls.
 */
#ifndef FS_PLAN_H
#define FS_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "train.h"

typedef struct fs_plan_job {
    double total_units; /* tokens or samples to train on */
    double deadline_h;
    double min_eff;
} fs_plan_job;

typedef enum fs_plan_status {
    FS_PLAN_OK,          /* meets the deadline above the floor: the smallest such count */
    FS_PLAN_BELOW_FLOOR, /* meets the deadline only below the floor: the smallest count that does */
    FS_PLAN_TOO_SLOW, /* no listed count meets the deadline: the largest above the floor, else the
                         fastest */
    FS_PLAN_NO_FIT    /* states + activations fit in memory at no listed count */
} fs_plan_status;

typedef struct fs_plan_result {
    fs_plan_status status;
    bool have_step; /* step/hours/cost describe the count above (all but NO_FIT) */
    fs_step step;
    double hours;    /* time to train at step.gpus */
    double cost_usd; /* NAN without a price */
    char why[320];   /* what stands in the way, "" when OK */
} fs_plan_result;

/* Plan one type.  gpus: candidate counts (any order).  Counts that are not
 * whole nodes, not divisible by TP x PP or whose model states do not fit
 * (states + activations) are skipped: a plan never proposes a layout that
 * does not fit, and NO_FIT's why names the option that would make it fit.  Returns 0, or
 * FS_EXIT_INPUT when the layout is impossible at every count (err: the reason for the first count).
 */
int fs_plan_type(const fs_train_in *in, const long *gpus, size_t n, const fs_plan_job *job,
                 double usd_per_hour, fs_plan_result *out, fs_err *err);

#endif
