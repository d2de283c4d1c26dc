/*
 * cmd_import.c - `fabscale import FILE... -o OUT.json`: OSU, nccl-tests
 * and fabscale files as they are, merged into one fabscale.results/1 file.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "collective_model.h"
#include "results.h"
#include "table.h"

static void help(void)
{
    printf("usage: fabscale import [options] FILE... -o OUT.json\n\n"
           "Reads each FILE, whatever it is, and writes one fabscale.results/1 file (atomically:\n"
           "temporary file + rename).  Runs of other formats record where they came from\n"
           "(\"imported_from\"); OSU and nccl-tests report averages, imported as time_us.mean.\n"
           "Importing one fabscale file gives it back member for member.  Prints a summary of\n"
           "what was read.  Output of mpirun --tag-output / --timestamp-output and srun --label\n"
           "is read as it is (the prefixes are removed); a table cut short keeps its rows and\n"
           "says where the file ends.  See docs/byo-logs.md.\n\n"
           "formats (recognised from the content):\n");
    fs_format_help(stdout);
    printf(
        "\noptions:\n"
        "  -o, --output FILE   where to write (\"-\": standard output, no summary); an existing\n"
        "                      file is refused unless --force or --append\n"
        "  --force             overwrite an existing output file\n"
        "  --append            add the runs to an existing fabscale results file\n"
        "  --osu-ranks N       rank count of OSU collective runs whose log does not say it\n"
        "                      (osu_allgather/osu_alltoall sizes are per process: x N)\n"
        "  --json / --csv      the summary as JSON / CSV\n"
        "  -h, --help          this help\n");
}

static int write_atomic(const char *path, const char *text, fs_err *err)
{
    if (strcmp(path, "-") == 0) {
        fputs(text, stdout);
        fputc('\n', stdout);
        return fflush(stdout) ? fs_err_set(err, FS_EXIT_RUNTIME, "stdout: %s", strerror(errno)) : 0;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return fs_err_set(err, errno == ENOENT || errno == EACCES ? FS_EXIT_INPUT : FS_EXIT_RUNTIME,
                          "%s: cannot write: %s", path, strerror(errno));
    int bad = fputs(text, f) < 0 || fputc('\n', f) == EOF;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return fs_err_set(err, FS_EXIT_RUNTIME, "%s: cannot write: %s", path, strerror(e));
    }
    return 0;
}

int fs_cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"osu-ranks", required_argument, NULL, 'r'},
        {"json", no_argument, NULL, 'j'},         {"csv", no_argument, NULL, 'c'},
        {"force", no_argument, NULL, 'f'},        {"append", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    bool force = false, append = false;
    const char *output = NULL;
    long osu_ranks = 0;
    fs_out out = FS_OUT_TEXT;
    fs_err err = {0};
    int c;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        long *v;
        size_t n;
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'r':
            if (fs_cli_ints("--osu-ranks", optarg, 1, 1L << 24, &v, &n, &err))
                return fs_cli_fail(&err);
            osu_ranks = v[0];
            free(v);
            break;
        case 'j':
            out = FS_OUT_JSON;
            break;
        case 'f':
            force = true;
            break;
        case 'a':
            append = true;
            break;
        case 'c':
            out = FS_OUT_CSV;
            break;
        case 'h':
            help();
            return 0;
        default:
            return fs_cli_bad_option("import", c, optopt, argv, optind);
        }
    }
    if (!output) {
        fs_err_set(&err, FS_EXIT_INPUT,
                   "import: no output file: give -o OUT.json (or -o - for stdout)");
        return fs_cli_fail(&err);
    }
    bool to_stdout = strcmp(output, "-") == 0;
    if (force && append) {
        fs_err_set(&err, FS_EXIT_INPUT, "import: --force and --append exclude each other");
        return fs_cli_fail(&err);
    }
    if (append && to_stdout) {
        fs_err_set(&err, FS_EXIT_INPUT, "import: --append needs an output file, not -");
        return fs_cli_fail(&err);
    }
    /* The output is checked before anything is read: nothing done in vain. */
    struct stat st;
    bool exists = !to_stdout && stat(output, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        fs_err_set(&err, FS_EXIT_INPUT, "import: %s is a directory, not an output file", output);
        return fs_cli_fail(&err);
    }
    if (exists && !force && !append) {
        fs_err_set(&err, FS_EXIT_INPUT,
                   "import: %s exists: give --force to overwrite it or --append to add the runs "
                   "to it",
                   output);
        return fs_cli_fail(&err);
    }
    if (append && !exists) {
        fs_err_set(&err, FS_EXIT_INPUT, "import: --append: %s does not exist (drop --append)",
                   output);
        return fs_cli_fail(&err);
    }
    /* With --append the existing file is read first and written first. */
    int nf = argc - optind, first = 0;
    if (nf <= 0) {
        fs_err_set(&err, FS_EXIT_INPUT, "import: no FILE to import (see fabscale import --help)");
        return fs_cli_fail(&err);
    }
    char **paths = calloc((size_t)nf + 1, sizeof *paths);
    if (!paths) {
        fs_err_set(&err, FS_EXIT_RUNTIME, "import: out of memory");
        return fs_cli_fail(&err);
    }
    if (append) paths[first++] = (char *)output;
    for (int i = 0; i < nf; i++) paths[first + i] = argv[optind + i];
    fs_results *r;
    int loaded = fs_cli_load("import", paths, nf + first, &r, &err);
    free(paths);
    if (loaded) return fs_cli_fail(&err);
    if (append && r[0].format != FS_FORMAT_FABSCALE) {
        fs_err_set(&err, FS_EXIT_INPUT,
                   "import: --append: %s is %s, not a fabscale results file: nothing written",
                   output, fs_format_name(r[0].format));
        fs_results_free_all(r, (size_t)(nf + first));
        return fs_cli_fail(&err);
    }
    size_t unknown_ranks = 0;
    if (fs_cli_osu_ranks(r + first, (size_t)nf, (int)osu_ranks, &unknown_ranks, &err)) {
        fs_results_free_all(r, (size_t)(nf + first));
        return fs_cli_fail(&err);
    }
    char *text = fs_results_to_json(r, (size_t)(nf + first));
    int rc = text ? write_atomic(output, text, &err)
                  : fs_err_set(&err, FS_EXIT_RUNTIME, "out of memory");
    free(text);
    if (rc == 0 && strcmp(output, "-") != 0) {
        static const char *const head[] = {"file", "format", "runs", "points", "benchmarks"};
        fs_table t;
        json_t *jfiles = json_array();
        if (out != FS_OUT_JSON && fs_table_init(&t, 5, head) == 0) {
            t.right[0] = t.right[1] = t.right[4] = false;
        }
        for (int f = 0; f < nf + first; f++) {
            size_t pts = 0;
            char benches[400] = "";
            json_t *jb = json_array();
            for (size_t i = 0; i < r[f].nruns; i++) {
                pts += r[f].runs[i].npoints;
                const char *b = r[f].runs[i].benchmark;
                char pat[64];
                snprintf(pat, sizeof pat, ",%s,", b);
                char cur[420];
                snprintf(cur, sizeof cur, ",%s,", benches);
                if (strstr(cur, pat)) continue;
                size_t l = strlen(benches);
                snprintf(benches + l, sizeof benches - l, "%s%s", l ? "," : "", b);
                json_array_append_new(jb, json_string(b));
            }
            char nr[32], np[32];
            snprintf(nr, sizeof nr, "%zu", r[f].nruns);
            snprintf(np, sizeof np, "%zu", pts);
            if (out == FS_OUT_JSON) {
                json_array_append_new(jfiles, json_pack("{s:s,s:s,s:I,s:I,s:o}", "file", r[f].path,
                                                        "format", fs_format_name(r[f].format),
                                                        "runs", (json_int_t)r[f].nruns, "points",
                                                        (json_int_t)pts, "benchmarks", jb));
            } else {
                json_decref(jb);
                const char *cells[] = {r[f].path, fs_format_name(r[f].format), nr, np, benches};
                fs_table_row(&t, cells);
            }
        }
        if (out == FS_OUT_JSON) {
            rc = fs_cli_print_json(json_pack("{s:s,s:o,s:I}", "output", output, "files", jfiles,
                                             "runs_without_ranks", (json_int_t)unknown_ranks));
        } else {
            json_decref(jfiles);
            if (out == FS_OUT_TEXT)
                printf("%s %s from:\n", append ? "appended to" : "wrote", output);
            fs_table_print(&t, stdout, out == FS_OUT_CSV);
            fs_table_free(&t);
            if (out == FS_OUT_TEXT && unknown_ranks)
                printf("%zu collective run(s) have no rank count (OSU does not print it): give "
                       "--osu-ranks N\n",
                       unknown_ranks);
        }
    }
    fs_results_free_all(r, (size_t)(nf + first));
    return rc ? fs_cli_fail(&err) : 0;
}
