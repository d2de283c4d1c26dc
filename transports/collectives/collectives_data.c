/*
 * collectives_data.c - validation data whose sums are exact.
 *
 * Rank r's value for element i is a non-negative integer below M, with M
 * chosen so that p*(M-1) stays within the integers the type represents
 * exactly (bfloat16 2^8, float32 2^24, float64 2^53).  Every partial sum
 * any algorithm forms, in any order, is then an exact integer, so the
 * result must equal the expected sum bit for bit.  When p exceeds that bound
 * (bfloat16 beyond 256 ranks) the values become sparse 0/1 so the per-element
 * total still fits.  Values vary with both i and r, so a block sent to the
 * wrong place or summed twice shows up.
 *
 * All-to-all moves values without summing them: any integer below 251 is
 * exact in every type (bfloat16 holds integers to 256), and a mix of the
 * source, the destination and the offset names a misplaced block.
 */
#include "collectives.h"

#include <stdint.h>
#include <string.h>

static double exact_limit(fs_coll_dtype dt)
{
    switch (dt) {
    case FS_COLL_BFLOAT16:
        return 256.0;
    case FS_COLL_FLOAT32:
        return 16777216.0;
    case FS_COLL_FLOAT64:
        return 9007199254740992.0;
    }
    return 256.0;
}

/* The pattern's modulus: rank r's value for element i is
 * (7i + 13r + 1) mod *mm (*mm >= 2: dense), or, when the ranks are too
 * many for that, 1 where (i + r) mod *k is 0 and 0 elsewhere (*mm 0). */
static void pattern(fs_coll_dtype dt, int nranks, size_t *mm, size_t *k)
{
    double p = nranks > 0 ? nranks : 1;
    double m = exact_limit(dt) / p + 1.0;
    if (m > 1024.0) m = 1024.0;
    *mm = m >= 2.0 ? (size_t)m : 0;
    *k = (size_t)(p / exact_limit(dt)) + 1u;
    /* A modulus that divides the rank count makes every element's sum the
     * same (13r, or r, runs over each residue equally often): a block
     * summed at the wrong offset would pass at 1 024, 2 048, 4 096 ranks.
     * The next smaller modulus (larger k) does not divide it, and keeps the
     * sums exact. */
    size_t n = (size_t)(nranks > 0 ? nranks : 1);
    while (*mm >= 2 && n % *mm == 0) --*mm;
    if (*mm < 2) { /* 2 divides it too: the sparse pattern, k >= 2 */
        *mm = 0;
        if (*k < 2) *k = 2;
        while (n % *k == 0) ++*k;
    }
}

double fs_coll_value(fs_coll_dtype dt, size_t i, int rank, int nranks)
{
    size_t mm, k;
    pattern(dt, nranks, &mm, &k);
    if (mm) return (double)((i * 7u + (size_t)rank * 13u + 1u) % mm);
    return ((i + (size_t)rank) % k) == 0 ? 1.0 : 0.0;
}

/* sum_{j=0}^{n-1} floor((a j + b) / m) for m >= 1, in O(log m) steps (the
 * Euclid-like floor-sum recursion, unrolled). */
static uint64_t floor_sum(uint64_t n, uint64_t m, uint64_t a, uint64_t b)
{
    uint64_t s = 0;
    for (;;) {
        if (a >= m) {
            s += (n * (n - 1) / 2) * (a / m);
            a %= m;
        }
        if (b >= m) {
            s += n * (b / m);
            b %= m;
        }
        uint64_t top = a * n + b;
        if (top < m) return s;
        n = top / m;
        b = top % m;
        uint64_t t = m;
        m = a;
        a = t;
    }
}

/* Closed form of sum over r < p of fs_coll_value(dt, i, r, p), so that
 * validation costs O(1) per element at any rank count (the loop over the
 * ranks cost 2-3 ns per element per rank: 145 s at 64 MiB on 4 096).
 * Dense: with c = (7i + 1) mod m, sum_r (c + 13r) mod m
 *   = sum_r (c + 13r) - m sum_r floor((c + 13r) / m).
 * Sparse: the ranks r < p with r = -i (mod k). */
double fs_coll_sum_value(fs_coll_dtype dt, size_t i, int nranks)
{
    if (nranks <= 0) return 0.0;
    uint64_t p = (uint64_t)nranks;
    size_t mm, k;
    pattern(dt, nranks, &mm, &k);
    if (mm) {
        uint64_t c = ((uint64_t)(i % mm) * 7u + 1u) % mm;
        uint64_t lin = p * c + 13u * (p * (p - 1) / 2);
        return (double)(lin - mm * floor_sum(p, mm, 13u, c));
    }
    uint64_t r0 = (k - i % k) % k;
    return r0 < p ? (double)((p - 1 - r0) / k + 1) : 0.0;
}

size_t fs_coll_value_period(fs_coll_dtype dt, int nranks)
{
    size_t mm, k;
    pattern(dt, nranks, &mm, &k);
    return mm ? mm : k;
}

static void put(fs_coll_dtype dt, void *buf, size_t j, double v)
{
    switch (dt) {
    case FS_COLL_FLOAT32:
        ((float *)buf)[j] = (float)v;
        break;
    case FS_COLL_FLOAT64:
        ((double *)buf)[j] = v;
        break;
    case FS_COLL_BFLOAT16:
        ((uint16_t *)buf)[j] = fs_float_to_bf16((float)v);
        break;
    }
}

void fs_coll_fill(fs_coll_dtype dt, void *buf, size_t n, size_t first, int rank, int nranks)
{
    for (size_t j = 0; j < n; j++) put(dt, buf, j, fs_coll_value(dt, first + j, rank, nranks));
}

double fs_coll_get(fs_coll_dtype dt, const void *buf, size_t i)
{
    switch (dt) {
    case FS_COLL_FLOAT32:
        return ((const float *)buf)[i];
    case FS_COLL_FLOAT64:
        return ((const double *)buf)[i];
    case FS_COLL_BFLOAT16:
        return fs_bf16_to_float(((const uint16_t *)buf)[i]);
    }
    return 0;
}

double fs_a2a_value(fs_coll_dtype dt, int src, int dst, size_t j)
{
    (void)dt;
    return (double)(((size_t)src * 37u + (size_t)dst * 11u + j) % 251u);
}

void fs_a2a_fill(fs_coll_dtype dt, void *buf, size_t n, int src, int dst)
{
    for (size_t j = 0; j < n; j++) put(dt, buf, j, fs_a2a_value(dt, src, dst, j));
}
