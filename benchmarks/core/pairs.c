/* pairs.c - the pairwise screen's schedule and its suspect trigger (pure). */
#include "pairs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int fs_pairs_rounds(int n)
{
    if (n < 2) return 0;
    return n % 2 ? n : n - 1;
}

/* Host x initiates when first, else y: the fixed host's pair alternates by
 * round and the rotating pairs by position, which balances senders (the
 * circle method's home/away rule). */
static void put(fs_pair *out, int *k, int x, int y, bool first)
{
    out[*k] = first ? (fs_pair){x, y} : (fs_pair){y, x};
    (*k)++;
}

int fs_pairs_round(int n, int r, fs_pair *out)
{
    int rounds = fs_pairs_rounds(n);
    if (r < 0 || r >= rounds) return 0;
    /* Circle method on an even count m: host m-1 stays, the rest rotate.
     * For odd n, m = n + 1 and host n is the phantom: its partner rests. */
    int m = n % 2 ? n + 1 : n, ring = m - 1, k = 0;
    if (m - 1 < n) put(out, &k, r, m - 1, r % 2 == 0);
    for (int i = 1; i < m / 2; i++) put(out, &k, (r + i) % ring, (r - i + ring) % ring, i % 2);
    return k;
}

int fs_pairs_log2_ceil(int n)
{
    int k = 0;
    while ((1L << k) < n) k++;
    return k;
}

int fs_pairs_quick_rounds(int n, int *idx)
{
    int rounds = fs_pairs_rounds(n), k = fs_pairs_log2_ceil(n);
    if (k > rounds) k = rounds;
    /* Odd n: each host rests in exactly one round, so any two distinct
     * rounds cover every host; even n: every round covers every host. */
    if (n % 2 && k < 2 && rounds >= 2) k = 2;
    for (int j = 0; j < k; j++) idx[j] = (int)((long)j * rounds / k);
    return k;
}

int fs_pairs_ring(int n, fs_pair *out)
{
    if (n < 2) return 0;
    for (int i = 0; i < n; i++) out[i] = (fs_pair){i, (i + 1) % n};
    return n;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

double fs_pairs_median(const double *v, int n, double *scratch)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) scratch[k++] = v[i];
    if (k == 0) return NAN;
    qsort(scratch, (size_t)k, sizeof *scratch, cmp_double);
    return k % 2 ? scratch[k / 2] : 0.5 * (scratch[k / 2 - 1] + scratch[k / 2]);
}

int fs_pairs_outliers(const double *v, int n, bool high_is_bad, double z, double floor, bool *out)
{
    double *s = malloc((size_t)(n > 0 ? n : 1) * sizeof *s);
    double *d = calloc((size_t)(n > 0 ? n : 1), sizeof *d);
    int flagged = 0;
    if (n > 0) memset(out, 0, (size_t)n * sizeof *out);
    if (!s || !d || n <= 0) goto done;
    double med = fs_pairs_median(v, n, s);
    if (!isfinite(med)) goto done;
    for (int i = 0; i < n; i++) d[i] = isfinite(v[i]) ? fabs(v[i] - med) : NAN;
    double sigma = 1.4826 * fs_pairs_median(d, n, s);
    double limit = fmax(z * sigma, floor);
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i])) continue;
        double dev = high_is_bad ? v[i] - med : med - v[i];
        if (dev > limit) {
            out[i] = true;
            flagged++;
        }
    }
done:
    free(s);
    free(d);
    return flagged;
}

static bool same(fs_pair p, int x, int y)
{
    return (p.a == x && p.b == y) || (p.a == y && p.b == x);
}

static bool listed(const fs_pair *l, int k, int x, int y)
{
    for (int i = 0; i < k; i++)
        if (same(l[i], x, y)) return true;
    return false;
}

int fs_pairs_confirm_set(int n, const fs_pair *measured, const bool *slow, int m, int extra,
                         fs_pair *out)
{
    int k = 0;
    bool *suspect = calloc((size_t)(n > 0 ? n : 1), sizeof *suspect);
    if (!suspect) return 0;
    for (int i = 0; i < m; i++) {
        if (!slow[i]) continue;
        suspect[measured[i].a] = suspect[measured[i].b] = true;
        if (!listed(out, k, measured[i].a, measured[i].b)) out[k++] = measured[i];
    }
    for (int s = 0; s < n; s++) {
        if (!suspect[s]) continue;
        int added = 0;
        /* Partners at ring distance 1, n-1, 2, n-2, ...: near ones first,
         * deterministic, and spread over the cluster. */
        for (int dist = 1; dist < n && added < extra; dist++) {
            int q = dist % 2 ? (s + (dist + 1) / 2) % n : (s - dist / 2 + n) % n;
            if (q == s || listed(measured, m, s, q) || listed(out, k, s, q)) continue;
            out[k++] = (fs_pair){s, q};
            added++;
        }
    }
    free(suspect);
    return k;
}

int fs_pairs_pack(int n, const fs_pair *pairs, int m, int *round)
{
    /* busy[r * n + h]: host h is taken in round r; at most m rounds. */
    bool *busy = calloc((size_t)(m > 0 ? m : 1) * (size_t)(n > 0 ? n : 1), sizeof *busy);
    int rounds = 0;
    if (!busy) return -1;
    for (int i = 0; i < m; i++) {
        int r = 0;
        while (busy[r * n + pairs[i].a] || busy[r * n + pairs[i].b]) r++;
        busy[r * n + pairs[i].a] = busy[r * n + pairs[i].b] = true;
        round[i] = r;
        if (r + 1 > rounds) rounds = r + 1;
    }
    free(busy);
    return rounds;
}
