/* nccl_common.c - vocabulary shared by the nccl-tests text and JSON readers. */
#include <string.h>
#include <strings.h>

#include "readers.h"

const char *fs_nccl_benchmark(const char *program)
{
    static const struct {
        const char *prog, *bench;
    } map[] = {{"all_reduce_perf", "allreduce"}, {"reduce_scatter_perf", "reduce_scatter"},
               {"all_gather_perf", "allgather"}, {"alltoall_perf", "alltoall"},
               {"broadcast_perf", "broadcast"},  {"reduce_perf", "reduce"},
               {"sendrecv_perf", "sendrecv"},    {"gather_perf", "gather"},
               {"scatter_perf", "scatter"},      {"hypercube_perf", "hypercube"}};
    if (!program) return NULL;
    const char *base = strrchr(program, '/');
    base = base ? base + 1 : program;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t n = strlen(map[i].prog);
        /* allow suffixes such as all_reduce_perf_mpi */
        if (strncmp(base, map[i].prog, n) == 0 && (base[n] == '\0' || base[n] == '_'))
            return map[i].bench;
    }
    return NULL;
}

int fs_nccl_type_size(const char *t)
{
    static const struct {
        const char *name;
        int size;
    } map[] = {{"int8", 1},   {"char", 1},    {"uint8", 1},    {"int32", 4},   {"int", 4},
               {"uint32", 4}, {"int64", 8},   {"uint64", 8},   {"half", 2},    {"float16", 2},
               {"float", 4},  {"float32", 4}, {"double", 8},   {"float64", 8}, {"bfloat16", 2},
               {"f8e4m3", 1}, {"f8e5m2", 1},  {"fp8_e4m3", 1}, {"fp8_e5m2", 1}};
    for (size_t i = 0; t && i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(t, map[i].name) == 0) return map[i].size;
    return 0;
}

const char *fs_nccl_dtype(const char *t)
{
    if (!t) return NULL;
    if (strcasecmp(t, "float") == 0) return "float32";
    if (strcasecmp(t, "double") == 0) return "float64";
    if (strcasecmp(t, "half") == 0) return "float16";
    return t;
}

const char *fs_nccl_guess_benchmark(double size, double count, const char *type, const char *redop,
                                    long root)
{
    int ts = fs_nccl_type_size(type);
    bool reduces = redop && strcasecmp(redop, "none") != 0;
    if (root >= 0) return reduces ? "reduce" : "broadcast";
    if (ts == 0 || count <= 0) return reduces ? "allreduce" : "unknown_nccl_test";
    /* size is the whole vector; count is per rank for RS and AG */
    double ratio = size / (count * ts);
    if (reduces) return ratio > 1.5 ? "reduce_scatter" : "allreduce";
    return ratio > 1.5 ? "allgather" : "unknown_nccl_test";
}
