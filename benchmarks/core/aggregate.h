/*
 * aggregate.h - what the harness combines across ranks, as pure functions:
 * a rank's clock offset against rank 0 (a common clock for "who arrived
 * last"), which of a batch's iterations fall inside the window all pairs
 * stream together, and the pairs' aggregate rate from their own totals.
 */
#ifndef FS_AGGREGATE_H
#define FS_AGGREGATE_H

/* Exchanges the clock estimate is made from (harness start-up). */
#define FS_CLOCK_ROUNDS 8

/* This rank's clock minus rank 0's, from `rounds` exchanges: in round k
 * rank 0 read a[k] (its clock) and broadcast it, this rank read b[k] (its
 * clock) on receipt, and rank 0 read c[k] after a reduction this rank
 * joined after b[k].  So the receipt happened between a[k] and c[k] on
 * rank 0's clock: the offset lies in [b[k] - c[k], b[k] - a[k]] every
 * round.  Returns the middle of the rounds' intersection and its half
 * width in *err; when the bounds contradict (a clock stepped), the middle
 * of the tightest round, with its half width. */
double fs_clock_offset(const double *a, const double *b, const double *c, int rounds, double *err);

/* Iterations of a batch that count in a window ending at `deadline`:
 * ends[i] is iteration i's end on this rank's clock (ascending); those
 * that end by the deadline, possibly none. */
long fs_window_timed(const double *ends, long n, double deadline);

/* Pairs streaming at once over a common window: totals[2j] units
 * (iterations, messages or bytes) pair j completed in totals[2j+1] seconds
 * of it.  The aggregate rate is the sum of the pairs' own rates, units per
 * second; entries with no time (idle ranks, responders: seconds <= 0) add
 * nothing.  Unlike pairs / (the slowest pair's iteration), it does not
 * fall as pairs drift apart within a batch. */
double fs_window_aggregate(const double *totals, int n);

#endif
