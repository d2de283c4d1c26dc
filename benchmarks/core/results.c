/* results.c - fabscale-bench's results document (see results.h). */
#include "results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

fs_results *fs_bench_results_new(json_t *meta)
{
    fs_results *doc = calloc(1, sizeof *doc);
    fs_err err = {0};
    if (doc && fs_meta_from_json(meta, &doc->meta, &err)) {
        /* metadata.c writes what the table models, with the right types:
         * a refusal here is a programming error, said loudly. */
        fprintf(stderr, "fabscale-bench: %s\n", err.msg);
        fs_results_free(doc);
        free(doc);
        doc = NULL;
    }
    json_decref(meta);
    return doc;
}

fs_results *fs_bench_results_load(const char *path, char *errmsg, size_t len)
{
    fs_results *doc = calloc(1, sizeof *doc);
    fs_err err = {0};
    if (!doc) {
        snprintf(errmsg, len, "out of memory");
        return NULL;
    }
    if (fs_results_read_file(path, doc, &err)) {
        snprintf(errmsg, len, "%s", err.msg);
        free(doc);
        return NULL;
    }
    return doc;
}

void fs_bench_results_add_launch(fs_results *doc, json_t *meta)
{
    fs_meta *m = &doc->meta;
    if (!m->extra) m->extra = json_object();
    json_t *more = json_object_get(m->extra, "appended");
    if (!json_is_array(more)) json_object_set_new(m->extra, "appended", more = json_array());
    json_array_append_new(more, meta);
}

void fs_bench_results_free(fs_results *doc)
{
    fs_results_free(doc);
    free(doc);
}

void fs_bench_point_to_result(const fs_bench_point *in, fs_point *out)
{
    fs_point_clear(out);
    out->bytes = (double)in->bytes;
    out->iterations = (double)in->iterations;
    out->warmup = (double)in->warmup;
    out->converged = in->converged;
    out->time_us = in->time_us;
    out->bandwidth_GBps = in->bandwidth_GBps;
    out->msg_rate_Mps = in->msg_rate_Mps;
    out->algbw_GBps = in->algbw_GBps;
    out->busbw_GBps = in->busbw_GBps;
    out->slowest_rank = in->slowest_rank >= 0 ? in->slowest_rank : -1;
    /* The median's interval, what the stopping rule read (the schema's
     * ci95 is the mean's). */
    if (isfinite(in->p50_ci95_lo) && isfinite(in->p50_ci95_hi)) {
        if (!out->extra) out->extra = json_object();
        json_object_set_new(out->extra, "p50_ci95_us",
                            json_pack("[f, f]", in->p50_ci95_lo, in->p50_ci95_hi));
    }
}

int fs_bench_results_save(fs_results *doc, const char *json, const char *csv, bool complete,
                          char *errmsg, size_t len)
{
    fs_err err = {0};
    doc->meta.complete = complete;
    int rc = json ? fs_results_save(doc, json, &err) : 0;
    if (!rc && csv) rc = fs_results_save_csv(doc, csv, &err);
    if (rc) snprintf(errmsg, len, "%s", err.msg);
    return rc ? -1 : 0;
}

int fs_bench_output_check(const char *path, bool may_exist, char *why, size_t len)
{
    if (!path || strcmp(path, "-") == 0) return 0;
    if (!*path) {
        snprintf(why, len, "an output file name is empty");
        return -1;
    }
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(why, len, "%s is a directory, not a file to write results to", path);
            return -1;
        }
        if (!may_exist) {
            snprintf(why, len, "%s exists: use --force to overwrite or --append to add to it",
                     path);
            return -1;
        }
    }
    /* The directory: try what the atomic write will do (create a
     * temporary file beside the target), so a read-only file system, a
     * missing directory or missing permission are found now, not after
     * the measurements. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        bool missing = stat(dir, &st) != 0;
        snprintf(why, len, "cannot write %s: %s%s %s", path, missing ? "directory " : "", dir,
                 missing ? "does not exist" : "is not a directory");
        return -1;
    }
    char probe[4200];
    snprintf(probe, sizeof probe, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        snprintf(why, len, "cannot write %s: %s (in directory %s)", path, strerror(errno), dir);
        return -1;
    }
    close(fd);
    unlink(probe);
    return 0;
}

void fs_bench_output_fallback_path(const char *path, const char *tmpdir, long pid, int attempt,
                                   char *out, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!*base) base = "results";
    const char *dir = attempt == 0 ? (tmpdir && *tmpdir ? tmpdir : "/tmp") : ".";
    snprintf(out, len, "%s/fabscale-bench.%ld.%s", dir, pid, base);
}

static int write_one(const fs_bench_output *out, const char *path, fs_results *doc, fs_err *err)
{
    return out->csv ? fs_results_save_csv(doc, path, err) : fs_results_save(doc, path, err);
}

void fs_bench_output_close(fs_bench_output *out)
{
    if (out->fd > 0) close(out->fd);
    out->fd = -1;
    free(out->head);
    free(out->region);
    out->head = out->region = NULL;
    out->head_len = out->region_len = 0;
}

/* The runs array as it stands inside the document (one more level of
 * indent), what follows it (tail) and the file's last newline. */
static char *runs_region(const fs_results *doc, const char *tail)
{
    json_t *runs = json_array();
    for (size_t i = 0; i < doc->nruns; i++)
        json_array_append_new(runs, fs_run_to_json(&doc->runs[i]));
    char *t = fs_results_dumps(runs);
    json_decref(runs);
    if (!t) return NULL;
    size_t nl = 0, n = strlen(t), nt = strlen(tail);
    for (size_t i = 0; i < n; i++) nl += t[i] == '\n';
    char *r = malloc(n + nl + nt + 2), *q = r;
    for (size_t i = 0; r && i < n; i++) {
        *q++ = t[i];
        if (t[i] == '\n') *q++ = ' '; /* JSON strings hold no raw newline */
    }
    if (r) memcpy(q, tail, nt), memcpy(q + nt, "\n", 2);
    free(t);
    return r;
}

#define RUNS_MARK "\\u0000fabscale-runs\\u0000"

/* What follows the runs array: kept after the head's NUL. */
static const char *tail_of(const fs_bench_output *out)
{
    return out->head + out->head_len + strlen(RUNS_MARK) + 2;
}

/* The first write: the whole document, atomically, split where its runs
 * go so later writes rewrite only those. */
static int stream_start(fs_bench_output *out, fs_results *doc, fs_err *err)
{
    fs_bench_output_close(out);
    json_t *j = fs_results_to_json_doc(doc);
    if (!j) return fs_oom(err);
    json_object_set_new(j, "runs",
                        json_stringn("\0fabscale-runs\0", sizeof "\0fabscale-runs\0" - 1));
    char *text = fs_results_dumps(j);
    json_decref(j);
    char *mark = text ? strstr(text, "\"" RUNS_MARK "\"") : NULL;
    if (!mark) {
        free(text);
        return fs_oom(err);
    }
    *mark = '\0'; /* head, then (kept in the same buffer) the tail */
    out->head = text;
    out->head_len = strlen(text);
    out->region = runs_region(doc, tail_of(out));
    if (!out->region) return fs_oom(err);
    out->region_len = strlen(out->region);
    /* Whole, through a temporary file and a rename. */
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", out->path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return fs_err_set(err, FS_EXIT_RUNTIME, "cannot write %s: %s", tmp, strerror(errno));
    bool bad = fwrite(out->head, 1, out->head_len, f) != out->head_len;
    bad |= fwrite(out->region, 1, out->region_len, f) != out->region_len;
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, out->path)) {
        int e = errno;
        unlink(tmp);
        return fs_err_set(err, FS_EXIT_RUNTIME, "cannot write %s: %s", out->path, strerror(e));
    }
    out->last_bytes = out->head_len + out->region_len;
    struct stat st;
    out->fd = open(out->path, O_WRONLY);
    if (out->fd < 0 || fstat(out->fd, &st)) {
        fs_bench_output_close(out); /* written; the next write starts again */
        return 0;
    }
    out->ino = (unsigned long)st.st_ino;
    return 0;
}

/* Between points: the runs from the first byte that changed; a shorter
 * text is padded with spaces (JSON's whitespace) before the file is cut,
 * so it parses after each step. */
static int stream_write(fs_bench_output *out, fs_results *doc, fs_err *err)
{
    struct stat st;
    if (out->fd <= 0 || !out->head || stat(out->path, &st) || (unsigned long)st.st_ino != out->ino)
        return stream_start(out, doc, err);
    char *region = runs_region(doc, tail_of(out));
    if (!region) return fs_oom(err);
    size_t n = strlen(region), d = 0;
    while (d < n && d < out->region_len && region[d] == out->region[d]) d++;
    size_t len = (n > out->region_len ? n : out->region_len) - d;
    char *w = malloc(len ? len : 1);
    if (!w) {
        free(region);
        return fs_oom(err);
    }
    size_t have = n - d;
    memcpy(w, region + d, have);
    memset(w + have, ' ', len - have);
    bool bad = pwrite(out->fd, w, len, (off_t)(out->head_len + d)) != (ssize_t)len;
    if (!bad && n < out->region_len) bad = ftruncate(out->fd, (off_t)(out->head_len + n)) != 0;
    bad = bad || fdatasync(out->fd) != 0;
    free(w);
    if (bad) {
        int e = errno;
        free(region);
        fs_bench_output_close(out);
        return fs_err_set(err, FS_EXIT_RUNTIME, "cannot write %s: %s", out->path, strerror(e));
    }
    free(out->region);
    out->region = region;
    out->region_len = n;
    out->last_bytes = len;
    return 0;
}

int fs_bench_output_write(fs_bench_output *out, fs_results *doc, bool final, FILE *log)
{
    if (!out->path || !doc) return 0;
    fs_err err = {0};
    bool stream = !final && !out->csv && strcmp(out->path, "-") != 0;
    if (!stream) fs_bench_output_close(out);
    if ((stream ? stream_write(out, doc, &err) : write_one(out, out->path, doc, &err)) == 0) {
        out->failing = false;
        out->fallback[0] = '\0';
        return 0;
    }
    if (!out->failing && !final)
        fprintf(log,
                "fabscale-bench: %s; the results stay in memory and go to a fallback file at "
                "the end unless a later write succeeds\n",
                err.msg);
    out->failing = true;
    if (!final) return -1;
    for (int attempt = 0; attempt < 2; attempt++) {
        char alt[sizeof out->fallback];
        fs_err aerr = {0};
        fs_bench_output_fallback_path(out->path, getenv("TMPDIR"), (long)getpid(), attempt, alt,
                                      sizeof alt);
        if (write_one(out, alt, doc, &aerr) == 0) {
            snprintf(out->fallback, sizeof out->fallback, "%s", alt);
            fprintf(log, "fabscale-bench: %s; the results are in %s instead\n", err.msg, alt);
            return 0;
        }
    }
    fprintf(log, "fabscale-bench: %s, and no fallback file could be written either\n", err.msg);
    return -1;
}
