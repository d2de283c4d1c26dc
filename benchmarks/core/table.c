/* table.c - human-readable results: the first two columns are what the
 * matching OSU benchmark prints (size, then latency in us or bandwidth in
 * MB/s = 10^6 bytes/s), computed from the median; the rest are extras.
 * The benchmark's metric picks the columns. */
#include "table.h"

#include <string.h>

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

/* OSU 7.x: FIELD_WIDTH 18 and FLOAT_PRECISION 2 (configure.ac); sizes in
 * "%-10d".  Its pt2pt and collective benchmarks print a blank line, the
 * title, the datatype, then "%-10s%18s" headers; osu_mbw_mr no blank line,
 * and its pairs and window. */
#define OSU_W    18
#define OSU_PREC 2

static const char *osu_title(const fs_bench *b)
{
    static const struct {
        const char *bench, *title;
    } osu[] = {
        {"latency", "OSU MPI Latency Test"},
        {"bw", "OSU MPI Bandwidth Test"},
        {"bibw", "OSU MPI Bi-Directional Bandwidth Test"},
        {"msgrate", "OSU MPI Multiple Bandwidth / Message Rate Test"},
        {"allreduce", "OSU MPI Allreduce Latency Test"},
        {"reduce_scatter", "OSU MPI Reduce_scatter Latency Test"},
        {"allgather", "OSU MPI Allgather Latency Test"},
    };
    for (size_t i = 0; i < sizeof osu / sizeof *osu; i++)
        if (strcmp(osu[i].bench, b->name) == 0) return osu[i].title;
    return NULL;
}

static const char *mpi_type_name(const fs_bench *b, const fs_bench_ctx *c)
{
    if (b->participation != FS_BENCH_COLLECTIVE) return "MPI_CHAR";
    switch (c->dtype) {
    case FS_COLL_FLOAT64:
        return "MPI_DOUBLE";
    case FS_COLL_BFLOAT16:
        return "MPI_UINT16_T"; /* what the MPI transport sends bfloat16 as */
    default:
        return "MPI_FLOAT";
    }
}

void fs_bench_table_osu_header(FILE *out, const fs_bench *b, const fs_bench_ctx *c)
{
    const char *title = osu_title(b);
    if (b->metric != FS_METRIC_MESSAGE_RATE) fprintf(out, "\n");
    if (title)
        fprintf(out, "# %s v%s\n", title, FS_OSU_FORMAT_VERSION);
    else
        fprintf(out, "# fabscale-bench %s\n", b->name);
    if (b->metric == FS_METRIC_MESSAGE_RATE)
        fprintf(out, "# [ pairs: %d ] [ window size: %d ]\n", c->pairs, c->window);
    fprintf(out, "# Datatype: %s.\n", mpi_type_name(b, c));
    switch (kind_of(b)) {
    case TABLE_LATENCY:
    case TABLE_COLLECTIVE:
        fprintf(out, "%-*s%*s\n", 10, "# Size", OSU_W, "Avg Latency(us)");
        break;
    case TABLE_BANDWIDTH:
        if (b->metric == FS_METRIC_MESSAGE_RATE)
            fprintf(out, "%-*s%*s%*s\n", 10, "# Size", OSU_W, "MB/s", OSU_W, "Messages/s");
        else
            fprintf(out, "%-*s%*s\n", 10, "# Size", OSU_W, "Bandwidth (MB/s)");
        break;
    }
    fflush(out);
}

void fs_bench_table_osu_row(FILE *out, const fs_bench *b, const fs_bench_ctx *c,
                            const fs_bench_point *p)
{
    const fs_stats *s = &p->time_us;
    /* OSU divides what moved by the total time: the mean iteration.  The
     * point's rates are from the median; rescale them. */
    double to_mean = s->p50 / s->mean;
    /* osu_allgather's Size is what each process contributes; fabscale's
     * bytes are the gathered vector, so OSU-format readers see OSU's sizes. */
    size_t size = p->bytes;
    if (strcmp(b->name, "allgather") == 0 && c->nranks > 0) size /= (size_t)c->nranks;
    fprintf(out, "%-*zu", 10, size);
    switch (kind_of(b)) {
    case TABLE_LATENCY:
    case TABLE_COLLECTIVE:
        fprintf(out, "%*.*f\n", OSU_W, OSU_PREC, s->mean);
        break;
    case TABLE_BANDWIDTH:
        if (b->metric == FS_METRIC_MESSAGE_RATE)
            fprintf(out, "%*.*f%*.*f\n", OSU_W, OSU_PREC, p->bandwidth_GBps * 1e3 * to_mean, OSU_W,
                    OSU_PREC, p->msg_rate_Mps * 1e6 * to_mean);
        else
            fprintf(out, "%*.*f\n", OSU_W, OSU_PREC, p->bandwidth_GBps * 1e3 * to_mean);
        break;
    }
    fflush(out);
}
