/* skew.h - the traffic-skew model of a mixture-of-experts all-to-all: how
 * many bytes each rank sends to each other rank when its tokens are routed
 * top-k to experts whose popularity follows Zipf's law, with a capacity limit
 * per expert; or a measured traffic matrix from a file.  Pure (no MPI): the
 * alltoallv benchmark sizes its buffers with it and `fabscale train` prices
 * the slowest rank of a MoE layer with it.
 *
 * The model (expected values, no sampling):
 *   - expert e (0-based, most popular first) has weight w_e = (e+1)^-s and is
 *     placed round-robin on rank e % ranks (so rank 0 holds the most popular);
 *   - a token picks k distinct experts; expert e is among them with probability
 *     pi_e = min(1, lambda w_e), lambda such that sum(pi) = k (inclusion
 *     proportional to weight, capped at 1: a token never picks an expert twice);
 *   - bytes_per_rank is a rank's dispatch volume (all k copies of its tokens),
 *     so without skew each rank sends bytes_per_rank / ranks to each rank, the
 *     same buffers as alltoall of bytes_per_rank;
 *   - a source sends bytes_per_rank * pi_e / k towards expert e, at most
 *     capacity * bytes_per_rank / experts (capacity times the mean; the rest
 *     is dropped, as GShard and Switch drop tokens over capacity per group). */
#ifndef FS_SKEW_H
#define FS_SKEW_H

#include <stddef.h>

typedef enum fs_skew_kind { FS_SKEW_UNIFORM, FS_SKEW_ZIPF, FS_SKEW_MATRIX } fs_skew_kind;

typedef struct fs_skew {
    fs_skew_kind kind;
    double zipf_s;     /* Zipf exponent over experts, >= 0 */
    int experts;       /* experts in total, placed round-robin on ranks (experts % ranks == 0 or
                          refused); 0 = one per rank */
    int topk;          /* experts per token, 1..experts */
    double capacity;   /* capacity factor >= 1.0 (tokens an expert accepts = capacity * mean);
                          0 = unlimited */
    char *matrix_path; /* FS_SKEW_MATRIX: whitespace matrix file, ranks x ranks, non-negative
                          bytes or weights */
    /* FS_SKEW_MATRIX: the file as read by fs_skew_parse, matrix_n x matrix_n
     * row-major ([src * matrix_n + dst]). */
    double *matrix;
    int matrix_n;
} fs_skew;

/* "uniform" | "zipf:s=1.1,experts=64,topk=2,capacity=1.25" | "matrix:FILE".
 * Zipf keys may be left out: s=1, experts=0 (one per rank), topk=1,
 * capacity=0 (unlimited).  A matrix file is read here: rows of non-negative
 * numbers separated by blanks, '#' starts a comment; square, not all zero.
 * Returns 0, or -1 with a one-line reason in err (out is then empty). */
int fs_skew_parse(const char *spec, fs_skew *out, char *err, size_t errlen);

/* Expected bytes each source rank sends to each destination rank,
 * bytes[src * ranks + dst] (the diagonal is what a rank keeps), when each
 * rank's tokens (bytes_per_rank in total before routing) are routed by the
 * model above.  A matrix file is scaled so that the mean bytes sent per rank
 * is bytes_per_rank (a file of bytes is reproduced when bytes_per_rank is its
 * mean row sum).  Returns 0, or -1 with a one-line reason in err when the
 * model does not fit the run: experts not a multiple of ranks, topk above the
 * experts, a matrix of another shape, bytes_per_rank negative or not finite. */
int fs_skew_matrix(const fs_skew *s, int ranks, double bytes_per_rank, double *bytes, char *err,
                   size_t errlen);

/* Max over ranks of bytes received or sent (the larger) over the mean bytes
 * per rank (total / ranks): 1 is balanced.  1 when nothing is sent. */
double fs_skew_imbalance(const double *bytes, int ranks);

/* The spec as fs_skew_parse reads it back, with defaults filled in
 * ("zipf:s=1.1,experts=64,topk=2,capacity=1.25"), for results and tables. */
int fs_skew_format(const fs_skew *s, char *buf, size_t len);

void fs_skew_free(fs_skew *s);

#endif
