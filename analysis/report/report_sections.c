/* report_sections.c - the optional sections' table (see report_sections.h). */
#include "report_sections.h"

#include <stdio.h>

#include "report_pairs.h"

/* The pair matrix names a bad node or link: a buyer must see it first. */
static int pairs_section(fs_doc *d, const fs_report_ctx *c, fs_err *err)
{
    return fs_report_pairs_section(d, c->dir, c->gnuplot, c->r, c->nr, c->out, err);
}

/* One row per optional section: {"name", FS_SECTION_..., its function}. */
const fs_report_section fs_report_sections[] = {
    {"pair matrix", FS_SECTION_FIRST_SCREEN, pairs_section},
    {NULL, FS_SECTION_EVIDENCE, NULL},
};

int fs_report_sections_write(fs_doc *d, const fs_report_ctx *ctx, fs_section_place place,
                             fs_err *err)
{
    for (const fs_report_section *s = fs_report_sections; s->write; s++) {
        if (s->place != place) continue;
        int rc = s->write(d, ctx, err);
        if (rc) return rc;
    }
    return 0;
}

void fs_report_note_file(fs_report_out *out, const char *file)
{
    if (out && out->nfiles < FS_REPORT_MAX_FILES)
        snprintf(out->files[out->nfiles++], sizeof out->files[0], "%s", file);
}
