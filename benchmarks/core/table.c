/* table.c - human-readable results: the first two columns are what the
 * matching OSU benchmark prints (size, then latency in us or bandwidth in
 * MB/s = 10^6 bytes/s), computed from the median; the rest are extras.
 * The benchmark's metric picks the columns. */
#include "table.h"

typedef enum { TABLE_LATENCY, TABLE_BANDWIDTH, TABLE_COLLECTIVE } table_kind;

static table_kind kind_of(const fs_bench *b)
{
    switch (b->metric) {
    case FS_METRIC_LATENCY:
        return TABLE_LATENCY;
    case FS_METRIC_BANDWIDTH:
    case FS_METRIC_MESSAGE_RATE: /* osu_mbw_mr's columns: MB/s, then messages/s */
        return TABLE_BANDWIDTH;
    case FS_METRIC_COLLECTIVE:
        return TABLE_COLLECTIVE;
    }
    return TABLE_BANDWIDTH;
}

void fs_bench_table_header(FILE *out, const fs_bench *b, const char *title)
{
    fprintf(out, "# fabscale-bench %s: %s, %s\n", FS_VERSION, b->name, title);
    switch (kind_of(b)) {
    case TABLE_LATENCY:
        fprintf(out, "# %-10s%16s%13s%13s%13s%10s%11s\n", "Size", "Latency (us)", "Mean (us)",
                "Min (us)", "P99 (us)", "CI95 (%)", "Iters");
        break;
    case TABLE_BANDWIDTH:
        fprintf(out, "# %-10s%18s%16s%16s%10s%11s\n", "Size", "Bandwidth (MB/s)", "Msg rate (M/s)",
                "p50 iter (us)", "CI95 (%)", "Iters");
        break;
    case TABLE_COLLECTIVE:
        fprintf(out, "# %-10s%14s%14s%14s%13s%13s%10s%9s%8s\n", "Size", "Time (us)", "algbw (GB/s)",
                "busbw (GB/s)", "Min (us)", "Max (us)", "CI95 (%)", "Iters", "Slowest");
        break;
    }
    fflush(out);
}

void fs_bench_table_row(FILE *out, const fs_bench *b, const fs_bench_point *p)
{
    const fs_stats *s = &p->time_us;
    /* The median's interval, which the stopping rule reads. */
    double ci_pct = 100.0 * p->p50_ci95_rel;
    switch (kind_of(b)) {
    case TABLE_LATENCY:
        fprintf(out, "%-12zu%16.2f%13.2f%13.2f%13.2f%10.2f%11ld\n", p->bytes, s->p50, s->mean,
                s->min, s->p99, ci_pct, p->iterations);
        break;
    case TABLE_BANDWIDTH:
        fprintf(out, "%-12zu%18.2f%16.3f%16.2f%10.2f%11ld\n", p->bytes, p->bandwidth_GBps * 1e3,
                p->msg_rate_Mps, s->p50, ci_pct, p->iterations);
        break;
    case TABLE_COLLECTIVE:
        fprintf(out, "%-12zu%14.2f%14.3f%14.3f%13.2f%13.2f%10.2f%9ld%8d\n", p->bytes, s->p50,
                p->algbw_GBps, p->busbw_GBps, s->min, s->max, ci_pct, p->iterations,
                p->slowest_rank);
        break;
    }
    fflush(out);
}
