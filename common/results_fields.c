/* results_fields.c - the members of fabscale.results/1, one row each. */
#include "results_fields.h"

#include <math.h>
#include <stdbool.h>

#include "results_doc.h"

#define ROWS(a)          (sizeof(a) / sizeof((a)[0]))
#define AT(type, member) offsetof(type, member)

static const fs_field meta_rows[] = {
    {"version", FS_FT_STRING, AT(fs_meta, version), 0, 0, 0, NULL,
     "fabscale version that wrote the file", NULL},
    {"command", FS_FT_STRING, AT(fs_meta, command), 0, 0, 0, NULL,
     "command line of the launch (arguments with spaces quoted)", NULL},
    {"start_time", FS_FT_STRING, AT(fs_meta, start_time), 0, 0, 0, NULL,
     "UTC start of the launch, ISO 8601", NULL},
    {"ranks", FS_FT_INT, AT(fs_meta, ranks), 0, 0, 0, NULL, "ranks in the launch", NULL},
    {"hosts", FS_FT_STRINGS, AT(fs_meta, hosts), AT(fs_meta, nhosts), 0, 0, NULL,
     "distinct host names, in rank order of first appearance", NULL},
    {"rank_host", FS_FT_PASS, 0, 0, 0, 0, NULL, "host name of every rank",
     "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"},
    {"rank_binding", FS_FT_PASS, 0, 0, 0, 0, NULL,
     "where every rank runs: \"core C (PU P), NUMA N\" (lists), or \"unknown\"",
     "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"},
    {"instance_type", FS_FT_STRING, AT(fs_meta, instance_type), 0, 0, 0, NULL,
     "EC2 instance type from DMI (null elsewhere)", NULL},
    {"dmi", FS_FT_PASS, 0, 0, 0, 0, NULL,
     "DMI `sys_vendor` and `product_name` of rank 0's host, as found",
     "{\"type\":\"object\",\"properties\":{\"sys_vendor\":{\"type\":\"string\"},"
     "\"product_name\":{\"type\":\"string\"}}}"},
    {"cpu_model", FS_FT_STRING, AT(fs_meta, cpu_model), 0, 0, 0, NULL, "CPU model of rank 0's host",
     NULL},
    {"mpi_library", FS_FT_STRING, AT(fs_meta, mpi_library), 0, 0, 0, NULL,
     "MPI_Get_library_version, first line", NULL},
    {"libfabric_version", FS_FT_STRING, AT(fs_meta, libfabric_version), 0, 0, 0, NULL,
     "fi_version() at run time, MAJOR.MINOR", NULL},
    {"topology", FS_FT_PASS, 0, 0, 0, 0, NULL,
     "per host (by name): hwloc packages, numa_nodes, cores, pus, cpu_model, network_devices",
     "{\"type\":\"object\"}"},
    {"settings", FS_FT_PASS, 0, 0, 0, 0, NULL,
     "measurement settings of the launch (precision, time_per_size_s, iteration bounds, window, "
     "timeout_s)",
     "{\"type\":\"object\",\"additionalProperties\":{\"type\":[\"number\",\"string\",\"boolean\","
     "\"null\"]}}"},
    {"appended", FS_FT_PASS, 0, 0, 0, 0, NULL,
     "meta of each later launch whose runs were added with --append",
     "{\"type\":\"array\",\"items\":{\"type\":\"object\"}}"},
    {"complete", FS_FT_BOOL, AT(fs_meta, complete), 0, true, 0, NULL,
     "false while a launch is running or when it was cut short", NULL},
};

static const fs_field run_rows[] = {
    {"benchmark", FS_FT_STRING, AT(fs_run, benchmark), 0, 0, FS_FIELD_REQUIRED, "benchmark",
     "latency, bw, bibw, msgrate, write_lat, write_bw, allreduce, reduce_scatter, allgather, "
     "alltoall, "
     "alltoallv, pairwise, "
     "or an imported name",
     NULL},
    {"kind", FS_FT_KIND, AT(fs_run, kind), 0, 0, 0, "kind",
     "what the benchmark measures; readers infer it from the benchmark name when absent",
     "{\"enum\":[\"latency\",\"bandwidth\",\"message_rate\",\"collective\",null]}"},
    {"transport", FS_FT_STRING, AT(fs_run, transport), 0, 0, 0, "transport",
     "mpi, ofi (nccl for nccl-tests)", NULL},
    {"provider", FS_FT_STRING, AT(fs_run, provider), 0, 0, 0, "provider",
     "libfabric provider (\"mpi\" for MPI)", NULL},
    {"fabric", FS_FT_STRING, AT(fs_run, fabric), 0, 0, 0, NULL, "libfabric fabric name", NULL},
    {"domain", FS_FT_STRING, AT(fs_run, domain), 0, 0, 0, NULL, "libfabric domain name", NULL},
    {"algorithm", FS_FT_STRING, AT(fs_run, algorithm), 0, 0, 0, "algorithm",
     "collective algorithm asked for (native, ring, ..., auto)", NULL},
    {"dtype", FS_FT_STRING, AT(fs_run, dtype), 0, 0, 0, NULL,
     "element type of a collective (float32, float64, bfloat16)", NULL},
    {"ranks", FS_FT_INT, AT(fs_run, ranks), 0, 0, 0, "ranks", "ranks taking part", NULL},
    {"pairs", FS_FT_INT, AT(fs_run, pairs), 0, 0, 0, "pairs",
     "point-to-point pairs measured at once", NULL},
    {"window", FS_FT_INT, AT(fs_run, window), 0, 0, 0, "window",
     "messages in flight per iteration (bandwidth and message rate)", NULL},
    {"peer_hosts", FS_FT_PAIR, AT(fs_run, peer_hosts), 0, 0, 0, NULL,
     "hosts of the first pair's two ranks", NULL},
    {"validated", FS_FT_BOOL, AT(fs_run, validated), 0, false, 0, NULL,
     "received data was checked after timing", NULL},
    {"in_place", FS_FT_BOOL, AT(fs_run, in_place), 0, false, FS_FIELD_OPTIONAL, NULL,
     "nccl-tests in-place columns", NULL},
    {"attributes", FS_FT_OBJECT, AT(fs_run, attributes), 0, 0, 0, NULL,
     "what the transport reports about itself (limits, counters, emulation)", NULL},
    {"notes", FS_FT_NOTES, AT(fs_run, notes), 0, 0, 0, NULL,
     "sentences about adjustments made (window capped, sizes rounded)", NULL},
    {"imported_from", FS_FT_PASS, 0, 0, 0, 0, NULL,
     "where `fabscale import` read the run: its `format` (the reader's name) and `file`",
     "{\"type\":\"object\",\"properties\":{\"format\":{\"type\":\"string\"},"
     "\"file\":{\"type\":[\"string\",\"null\"]}}}"},
};

static const fs_field point_rows[] = {
    {"bytes", FS_FT_COUNT, AT(fs_point, bytes), 0, 0, FS_FIELD_REQUIRED, "bytes",
     "message size (collectives: bytes per rank)", NULL},
    {"iterations", FS_FT_COUNT, AT(fs_point, iterations), 0, 0, 0, "iterations", "timed iterations",
     NULL},
    {"warmup", FS_FT_COUNT, AT(fs_point, warmup), 0, 0, 0, "warmup",
     "untimed iterations before them", NULL},
    {"converged", FS_FT_TRIBOOL, AT(fs_point, converged), 0, 0, 0, NULL,
     "the precision target was reached (false: time budget or --max-iters stopped it)", NULL},
    {"algorithm", FS_FT_STRING, AT(fs_point, algorithm), 0, 0, FS_FIELD_OPTIONAL, NULL,
     "the algorithm \"auto\" chose at this size", NULL},
    {"time_us", FS_FT_STATS, AT(fs_point, time_us), 0, 0, 0, "_us",
     "time per iteration in microseconds (collectives: slowest rank's)", NULL},
    {"bandwidth_GBps", FS_FT_NUMBER, AT(fs_point, bandwidth_GBps), 0, 0, 0, "bandwidth_GBps",
     "10^9 bytes/s (bandwidth benchmarks)", NULL},
    {"msg_rate_Mps", FS_FT_NUMBER, AT(fs_point, msg_rate_Mps), 0, 0, 0, "msg_rate_Mps",
     "10^6 messages/s", NULL},
    {"algbw_GBps", FS_FT_NUMBER, AT(fs_point, algbw_GBps), 0, 0, 0, "algbw_GBps",
     "collective: bytes / time", NULL},
    {"busbw_GBps", FS_FT_NUMBER, AT(fs_point, busbw_GBps), 0, 0, 0, "busbw_GBps",
     "collective: algbw x the nccl-tests factor", NULL},
    {"slowest_rank", FS_FT_INT, AT(fs_point, slowest_rank), 0, -1, 0, "slowest_rank",
     "collective: rank that was slowest most often", NULL},
};

static const fs_field stats_rows[] = {
    {"min", FS_FT_NUMBER, AT(fs_stats, min), 0, 0, 0, "min", "fastest iteration", NULL},
    {"p50", FS_FT_NUMBER, AT(fs_stats, p50), 0, 0, 0, "p50", "median (the headline)", NULL},
    {"mean", FS_FT_NUMBER, AT(fs_stats, mean), 0, 0, 0, "mean", "mean", NULL},
    {"p90", FS_FT_NUMBER, AT(fs_stats, p90), 0, 0, 0, "p90", "90th percentile", NULL},
    {"p99", FS_FT_NUMBER, AT(fs_stats, p99), 0, 0, 0, "p99", "99th percentile", NULL},
    {"max", FS_FT_NUMBER, AT(fs_stats, max), 0, 0, 0, "max", "slowest iteration", NULL},
    {"stdev", FS_FT_NUMBER, AT(fs_stats, stdev), 0, 0, 0, "stdev", "standard deviation", NULL},
    {"ci95", FS_FT_NUMBER, AT(fs_stats, ci95), 0, 0, 0, "ci95",
     "half-width of the 95% confidence interval of the mean", NULL},
};

const fs_field_list fs_meta_fields = {"meta", meta_rows, ROWS(meta_rows)};
const fs_field_list fs_run_fields = {"run", run_rows, ROWS(run_rows)};
const fs_field_list fs_point_fields = {"point", point_rows, ROWS(point_rows)};
const fs_field_list fs_stats_fields = {"time_us", stats_rows, ROWS(stats_rows)};

int fs_field_absent(const fs_field *f, const void *base)
{
    const char *p = (const char *)base + f->offset;
    switch (f->type) {
    case FS_FT_STRING:
        return *(char *const *)p == NULL;
    case FS_FT_INT:
        return *(const int *)p == f->absent;
    case FS_FT_NUMBER:
    case FS_FT_COUNT:
        return !isfinite(*(const double *)p);
    case FS_FT_BOOL:
        return *(const bool *)p == (bool)f->absent;
    case FS_FT_TRIBOOL:
        return *(const int *)p < 0;
    case FS_FT_STRINGS:
        return *(const size_t *)((const char *)base + f->count_offset) == 0;
    case FS_FT_PAIR:
        return ((char *const *)p)[0] == NULL && ((char *const *)p)[1] == NULL;
    case FS_FT_OBJECT:
    case FS_FT_NOTES:
        return *(json_t *const *)p == NULL;
    case FS_FT_KIND:
        return *(const fs_kind *)p == FS_KIND_UNKNOWN;
    case FS_FT_STATS:
    case FS_FT_PASS:
        return 0;
    }
    return 1;
}
