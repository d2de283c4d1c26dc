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

int fs_bench_output_write(fs_bench_output *out, fs_results *doc, bool final, FILE *log)
{
    if (!out->path || !doc) return 0;
    fs_err err = {0};
    if (write_one(out, out->path, doc, &err) == 0) {
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
