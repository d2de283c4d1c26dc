/* kinds.c - what a benchmark measures, by name (see results_doc.h). */
#include <string.h>

#include "results_doc.h"

static const char *const kind_names[] = {
    [FS_KIND_LATENCY] = "latency",
    [FS_KIND_BANDWIDTH] = "bandwidth",
    [FS_KIND_MESSAGE_RATE] = "message_rate",
    [FS_KIND_COLLECTIVE] = "collective",
};

const char *fs_kind_name(fs_kind k)
{
    return k > FS_KIND_UNKNOWN && k <= FS_KIND_COLLECTIVE ? kind_names[k] : NULL;
}

fs_kind fs_kind_parse(const char *s)
{
    for (int k = FS_KIND_LATENCY; s && k <= FS_KIND_COLLECTIVE; k++)
        if (strcmp(s, kind_names[k]) == 0) return (fs_kind)k;
    return FS_KIND_UNKNOWN;
}

fs_kind fs_kind_of_benchmark(const char *b)
{
    /* fabscale-bench's names, and what the OSU and nccl-tests readers map
     * their programs to.  Files written since "kind" exists carry it; this
     * is for older files and imports. */
    static const struct {
        const char *name;
        fs_kind kind;
    } known[] = {
        {"latency", FS_KIND_LATENCY},      {"write_lat", FS_KIND_LATENCY},
        {"bw", FS_KIND_BANDWIDTH},         {"bibw", FS_KIND_BANDWIDTH},
        {"write_bw", FS_KIND_BANDWIDTH},   {"msgrate", FS_KIND_MESSAGE_RATE},
        {"allreduce", FS_KIND_COLLECTIVE}, {"reduce_scatter", FS_KIND_COLLECTIVE},
        {"allgather", FS_KIND_COLLECTIVE}, {"alltoall", FS_KIND_COLLECTIVE},
        {"alltoallv", FS_KIND_COLLECTIVE}, {"broadcast", FS_KIND_COLLECTIVE},
        {"reduce", FS_KIND_COLLECTIVE},
    };
    if (!b) return FS_KIND_UNKNOWN;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(b, known[i].name) == 0) return known[i].kind;
    /* A new benchmark named in the house style still says what it is. */
    size_t n = strlen(b);
    if (n > 4 && strcmp(b + n - 4, "_lat") == 0) return FS_KIND_LATENCY;
    if (n > 3 && strcmp(b + n - 3, "_bw") == 0) return FS_KIND_BANDWIDTH;
    return FS_KIND_UNKNOWN;
}

fs_kind fs_run_kind(const fs_run *run)
{
    return run->kind != FS_KIND_UNKNOWN ? run->kind : fs_kind_of_benchmark(run->benchmark);
}
