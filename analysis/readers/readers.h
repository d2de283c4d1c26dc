/*
 * readers.h - the format readers behind fs_results_parse(), one row each
 * in the table of results.c, and the helpers they share.  Internal to the
 * library.  A new format is its reader file plus one row.
 */
#ifndef FS_READERS_H
#define FS_READERS_H

#include <jansson.h>

#include "results.h"

/* What every reader gets: the text (for line numbers), and for text that
 * starts like JSON, the parsed value (NULL otherwise). */
typedef struct fs_src {
    const char *text;
    size_t len;
    const char *path;
    json_t *root;
    json_t *warnings; /* array of "path:line: ..." strings (fs_src_warn), may be NULL */
} fs_src;

/* Something the user must know but that does not make the file unusable
 * (a table cut short, a row OSU marked Fail): "path:line: ..." goes to
 * s->warnings and, when run is given, to the run's notes, so an imported
 * file still says it. */
void fs_src_warn(const fs_src *s, fs_run *run, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Every point of r within fs_point_check_bounds (what fs_results_parse
 * checks after the reader): 0, or FS_EXIT_INPUT naming file:line. */
int fs_results_check_bounds(const fs_src *s, const fs_results *r, fs_err *err);

/* Launcher prefixes (mpirun --tag-output / --timestamp-output, srun
 * --label, -prepend-rank) removed line by line, line numbers kept
 * (prefix.c).  Returns 0 when no line has one (out_text NULL), 1 with a
 * malloc'ed copy in *out_text and the launcher option in *what, -1 when
 * memory runs out. */
int fs_strip_launcher_prefixes(const char *text, size_t len, char **out_text, size_t *outlen,
                               const char **what);

typedef struct fs_reader {
    const char *name;        /* fs_format_name(): "fabscale", "osu", ... */
    const char *description; /* in messages and help: "OSU Micro-Benchmarks 7.x text" */
    bool json;               /* reads a JSON value (s->root), else text */
    /* Whether the content is this format (a cheap look, no errors). */
    int (*sniff)(const fs_src *s);
    /* Fill out from s; 0 or FS_EXIT_INPUT / FS_EXIT_RUNTIME with err. */
    int (*read)(const fs_src *s, fs_results *out, fs_err *err);
    const char *runs_key; /* JSON member holding the runs, for "no usable runs" lines */
    const char *detail;   /* for --help: what exactly is read */
} fs_reader;

/* The table: n rows, in fs_format order. */
const fs_reader *fs_readers(size_t *n);

int fs_read_fabscale_json(const fs_src *s, fs_results *out, fs_err *err);
int fs_read_nccl_json(const fs_src *s, fs_results *out, fs_err *err);
int fs_read_osu(const fs_src *s, fs_results *out, fs_err *err);
int fs_read_nccl_text(const fs_src *s, fs_results *out, fs_err *err);
int fs_read_fabscale_text(const fs_src *s, fs_results *out, fs_err *err);

/* Content sniffing for text: a "# OSU ... Test" title; an nccl-tests header. */
int fs_looks_like_osu(const char *text, size_t len);
int fs_looks_like_nccl_text(const char *text, size_t len);
/* fabscale-bench's stdout table: a "# fabscale-bench VERSION: ..." title. */
int fs_looks_like_fabscale_text(const char *text, size_t len);
/* nccl-tests -J output: an object with "results" and no "schema". */
int fs_looks_like_nccl_json(json_t *root);

/* The nccl-tests program name ("all_reduce_perf", "./build/all_gather_perf")
 * as a fabscale benchmark name, or NULL when it is not a collective we know. */
const char *fs_nccl_benchmark(const char *program);
/* Element size of an nccl-tests type name, 0 when unknown. */
int fs_nccl_type_size(const char *type);
/* nccl-tests type names in fabscale's vocabulary (float -> float32 ...). */
const char *fs_nccl_dtype(const char *type);
/* The collective a row describes when the program name is unknown:
 * from the size / (count * type size) ratio, redop and root. */
const char *fs_nccl_guess_benchmark(double size, double count, const char *type, const char *redop,
                                    long root);

#endif
