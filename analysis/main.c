/*
 * main.c - `fabscale`: turns measurements into the numbers a buyer
 * compares.  This file only dispatches to the subcommands (cmd_*.c); add a
 * row to the table to add one.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "diag.h"
#include "results.h"

typedef struct fs_subcommand {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} fs_subcommand;

static const fs_subcommand subcommands[] = {
    {"import", "convert OSU, nccl-tests and fabscale files into one fabscale.results/1 file",
     fs_cmd_import},
    {"fit", "fit each link's latency and bandwidth (piecewise Hockney), n1/2, message rate",
     fs_cmd_fit},
    {"predict", "all-reduce / reduce-scatter / all-gather time and busbw at any rank count",
     fs_cmd_predict},
    {"report", "Markdown + HTML report with charts (gnuplot) and tables", fs_cmd_report},
    {"train", "training-step time, exposed communication and efficiency per GPU count",
     fs_cmd_train},
    {"compare",
     "the same workload on each measured instance type, with cost per step and per 1M units",
     fs_cmd_compare},
    {"plan", "GPU count and cost each instance type needs to train a job before a deadline",
     fs_cmd_plan},
    {"screen", "name the slow node, NIC or link from a pairwise run (robust pair statistics)",
     fs_cmd_screen},
    {"diff", "two results files point by point: ratio, noise, what changed, a regression verdict",
     fs_cmd_diff},
};
#define NSUB (sizeof subcommands / sizeof subcommands[0])

static void usage(FILE *f)
{
    fprintf(f,
            "usage: fabscale SUBCOMMAND [options] RESULTS...\n"
            "       fabscale --help | --version | help SUBCOMMAND\n\n"
            "RESULTS are files as they are, in any of these formats:\n  %s.\n\nsubcommands:\n",
            fs_format_list());
    for (size_t i = 0; i < NSUB; i++)
        fprintf(f, "  %-9s %s\n", subcommands[i].name, subcommands[i].summary);
    fprintf(f, "\nEvery subcommand takes --help, --json and --csv.\n"
               "Exit status: 0 ok, 1 runtime failure, 2 bad usage or bad input.\n");
}

static const fs_subcommand *find(const char *name)
{
    for (size_t i = 0; i < NSUB; i++)
        if (strcmp(subcommands[i].name, name) == 0) return &subcommands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return FS_EXIT_INPUT;
    }
    const char *a = argv[1];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        usage(stdout);
        return FS_EXIT_OK;
    }
    if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
        printf("fabscale %s\n", FS_VERSION);
        return FS_EXIT_OK;
    }
    if (strcmp(a, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return FS_EXIT_OK;
        }
        const fs_subcommand *s = find(argv[2]);
        if (!s) {
            fprintf(stderr, "fabscale: help: unknown subcommand \"%s\" (see fabscale --help)\n",
                    argv[2]);
            return FS_EXIT_INPUT;
        }
        char *hargv[] = {argv[2], "--help", NULL};
        return s->run(2, hargv);
    }
    const fs_subcommand *s = find(a);
    if (!s) {
        char known[256] = "";
        for (size_t i = 0; i < NSUB; i++) {
            size_t l = strlen(known);
            snprintf(known + l, sizeof known - l, "%s%s", i ? ", " : "", subcommands[i].name);
        }
        fprintf(stderr, "fabscale: unknown subcommand \"%s\" (known: %s)\n", a, known);
        return FS_EXIT_INPUT;
    }
    return s->run(argc - 1, argv + 1);
}
