/*
 * results_doc.h - the fabscale.results/1 document in memory, and its one
 * reader and writer (docs/results-format.md, docs/results.schema.json).
 *
 * Both programs use it: fabscale-bench builds a document and saves it
 * after every point; fabscale reads it (and imports OSU and nccl-tests
 * output into it).  Which members exist, their types and their CSV columns
 * are one field table (results_fields.h) that drives reading, writing, the
 * CSV header and the JSON Schema.  Members the table does not model are
 * kept in `extra` of their object and written back unchanged, so reading
 * and writing a file loses nothing.
 *
 * Absent numbers are NAN, absent strings and JSON values NULL, absent
 * counts 0 (slowest_rank -1, converged -1).
 */
#ifndef FS_RESULTS_DOC_H
#define FS_RESULTS_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "diag.h"
#include "time_stats.h"

#define FS_RESULTS_SCHEMA "fabscale.results/1"

/* What a benchmark measures: chooses the headline quantity of its points
 * (time, bandwidth, message rate, bus bandwidth) in tables, fits and
 * reports.  Written as the run's "kind". */
typedef enum fs_kind {
    FS_KIND_UNKNOWN = 0,
    FS_KIND_LATENCY,
    FS_KIND_BANDWIDTH,
    FS_KIND_MESSAGE_RATE,
    FS_KIND_COLLECTIVE,
} fs_kind;

typedef struct fs_point {
    double bytes;
    double iterations;
    int converged; /* 1, 0, or -1 unknown */
    fs_stats time_us;
    double bandwidth_GBps, msg_rate_Mps, algbw_GBps, busbw_GBps;
    int slowest_rank; /* -1 unknown */
    int line;         /* source line for text formats, else 0 (not written) */
    double warmup;    /* warm-up iterations, NAN unknown */
    char *algorithm;  /* what "auto" chose at this size, NULL when not recorded */
    json_t *extra;    /* members not modelled (object, NULL when none) */
} fs_point;

typedef struct fs_run {
    char *benchmark; /* never NULL */
    char *transport; /* "mpi", "ofi"; "nccl" for nccl-tests */
    char *provider, *fabric, *domain, *algorithm, *dtype;
    int ranks, pairs, window;
    char *peer_hosts[2];
    bool validated;
    bool in_place; /* nccl-tests in-place columns */
    char *source;  /* file an imported run came from ("imported_from"), else NULL */
    size_t npoints;
    fs_point *points;
    fs_kind kind;       /* FS_KIND_UNKNOWN: from the benchmark name (fs_run_kind) */
    json_t *attributes; /* transport attributes (object), NULL when none */
    json_t *notes;      /* array of strings, NULL when none */
    json_t *extra;      /* members not modelled (object, NULL when none) */
} fs_run;

/* The domain (libfabric NIC name) of rail `rail` of host `host` in a
 * fabscale-bench --nics run's extra.nics ({"hosts": [{"host", "rails":
 * [{"rail", "domain"}]}]}); NULL when the run does not say.  Pure. */
const char *fs_run_nic_domain(const fs_run *run, const char *host, long long rail);

typedef struct fs_meta {
    char *version, *command, *start_time, *instance_type, *cpu_model, *mpi_library,
        *libfabric_version;
    int ranks;
    size_t nhosts;
    char **hosts;
    bool complete;
    json_t *extra; /* rank_host, rank_binding, topology, settings, dmi, ... */
} fs_meta;

typedef struct fs_results {
    char *path;
    int format; /* the reader that produced it (analysis: fs_format), 0 = fabscale */
    fs_meta meta;
    size_t nruns;
    fs_run *runs;
    json_t *extra; /* top-level members besides schema, meta and runs */
} fs_results;

/* ---- kinds ---- */

/* "latency", "bandwidth", "message_rate", "collective"; NULL for unknown. */
const char *fs_kind_name(fs_kind k);
/* The kind named s, FS_KIND_UNKNOWN when s names none. */
fs_kind fs_kind_parse(const char *s);
/* What a benchmark of this name measures (fabscale names: latency, bw, bibw,
 * msgrate, write_lat, write_bw, allreduce, ...); FS_KIND_UNKNOWN when the
 * name says nothing.  Files that lack "kind" are read through this. */
fs_kind fs_kind_of_benchmark(const char *benchmark);
/* run->kind, else inferred from the benchmark name. */
fs_kind fs_run_kind(const fs_run *run);

/* ---- building (all return NULL / FS_EXIT_RUNTIME with err set when memory runs out) ---- */

char *fs_strdup(const char *s);
int fs_oom(fs_err *err);
/* Every quantity absent. */
void fs_point_clear(fs_point *p);
fs_run *fs_results_new_run(fs_results *r, const char *benchmark, fs_err *err);
fs_point *fs_run_new_point(fs_run *run, fs_err *err);
void fs_results_free(fs_results *r);

/* ---- reading ---- */

/* A parsed fabscale.results/1 document into out (which the caller zeroed
 * or cleared).  text/len (may be NULL/0) locate lines for messages, path
 * names the file.  Returns 0 or FS_EXIT_INPUT / FS_EXIT_RUNTIME with err. */
int fs_results_from_json(json_t *root, const char *text, size_t len, const char *path,
                         fs_results *out, fs_err *err);
/* Meta alone (fabscale-bench builds its document around collected meta). */
int fs_meta_from_json(json_t *jm, fs_meta *out, fs_err *err);
/* Read a fabscale.results/1 file (only that format; fabscale's
 * fs_results_load reads every format). */
int fs_results_read_file(const char *path, fs_results *out, fs_err *err);

/* Sanity bounds every reader applies to a point: size above 2^50 B,
 * bandwidth (bandwidth/algbw/busbw) above 100 TB/s or negative, a negative
 * or infinite time.  Returns 1 with why ("size 1e+300 B is above ...") when
 * the point cannot be a measurement, else 0.  (A NaN read from text is
 * refused by the readers' number parsing; in memory NaN means absent.) */
int fs_point_check_bounds(const fs_point *p, char *why, size_t len);

/* ---- writing ---- */

json_t *fs_meta_to_json(const fs_meta *m);
json_t *fs_run_to_json(const fs_run *run); /* with its points */
json_t *fs_point_to_json(const fs_point *p);
/* The whole document: {"schema", "meta", "runs"}. */
json_t *fs_results_to_json_doc(const fs_results *r);
/* JSON text of doc as files are written (indent 1, 10 significant digits). */
char *fs_results_dumps(json_t *doc);
/* Write doc's text to path atomically: a temporary file in the same
 * directory, flushed, then renamed ("-": standard output). */
int fs_results_save_json(json_t *doc, const char *path, fs_err *err);
int fs_results_save(const fs_results *r, const char *path, fs_err *err);
/* One CSV row per point, columns from the field table, atomically. */
int fs_results_save_csv(const fs_results *r, const char *path, fs_err *err);
/* The CSV header line (without newline); static storage. */
const char *fs_results_csv_header(void);

#endif
