/*
 * pairs.h - which hosts measure each other, round by round (pure).
 *
 * The pairwise screen (benchmarks/pairwise.c) measures host pairs in
 * rounds of disjoint pairs, so every pair in a round has its hosts' links
 * to itself.  All pairs come from the round-robin tournament's circle
 * method: host n-1 (or, for odd n, a phantom whose partner sits the round
 * out) stays put while the others rotate; n-1 rounds of n/2 pairs for even
 * n, n rounds of (n-1)/2 for odd n, every pair exactly once.  --quick
 * takes a ring round and ceil(log2 n) of those rounds spread over the
 * tournament, then re-measures only pairs that involve a suspect.
 */
#ifndef FS_PAIRS_H
#define FS_PAIRS_H

#include <stdbool.h>

/* Hosts by index 0..n-1; a initiates (sends the payload), b answers. */
typedef struct fs_pair {
    int a, b;
} fs_pair;

/* Rounds of the full tournament of n hosts: n-1 (even n), n (odd n); 0 for n < 2. */
int fs_pairs_rounds(int n);

/* The pairs of round r (0 <= r < fs_pairs_rounds(n)) into out (room for
 * n/2); returns how many.  Which side initiates follows the circle
 * method's home/away rule, so no host of n > 2 only answers. */
int fs_pairs_round(int n, int r, fs_pair *out);

/* ceil(log2 n) for n >= 1. */
int fs_pairs_log2_ceil(int n);

/* The tournament rounds --quick measures: k = min(ceil(log2 n), rounds)
 * indices spread evenly over the tournament (so partners differ in both
 * "distance" and direction), written to idx; returns k.  Every host takes
 * part in at least one of them. */
int fs_pairs_quick_rounds(int n, int *idx);

/* The ring: host i sends to host (i + 1) % n, all at once (n pairs, not
 * disjoint: every host sends one stream and receives one).  n >= 2. */
int fs_pairs_ring(int n, fs_pair *out);

/* Robust outliers among n values: v[i] differs from the median in the bad
 * direction (below it when !high_is_bad, above it when high_is_bad) by more
 * than z robust standard deviations (1.4826 x MAD) and by more than floor
 * (in v's units).  NaN values are skipped and never flagged.  Writes flags
 * to out and returns how many were flagged. */
int fs_pairs_outliers(const double *v, int n, bool high_is_bad, double z, double floor, bool *out);

/* Median of the n finite values of v (NaN skipped), NaN when none; uses
 * scratch (room for n). */
double fs_pairs_median(const double *v, int n, double *scratch);

/* The confirmation set: given m measured pairs of n hosts and which of them
 * were slow, every host on a slow pair is a suspect; return (in out, room
 * for m + n * extra) the slow pairs again, plus for each suspect up to
 * `extra` partners it has not been measured with (lowest distance on the
 * ring first), so a re-measurement tells a node (slow with everyone) from
 * a link (slow with one peer).  Each unordered pair appears once. */
int fs_pairs_confirm_set(int n, const fs_pair *measured, const bool *slow, int m, int extra,
                         fs_pair *out);

/* Pack m pairs into rounds of disjoint pairs (greedy, in order): round[i]
 * receives the round of pair i; returns the number of rounds. */
int fs_pairs_pack(int n, const fs_pair *pairs, int m, int *round);

#endif
