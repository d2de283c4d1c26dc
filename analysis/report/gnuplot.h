/*
 * gnuplot.h - run gnuplot (optional at run time) on a script.  The binary
 * is $FS_GNUPLOT when set (tests point it elsewhere to check the
 * no-gnuplot path), else "gnuplot" on PATH.
 */
#ifndef FS_GNUPLOT_H
#define FS_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

#include "diag.h"

/* Full path of the gnuplot binary in buf, or 0 when there is none. */
int fs_gnuplot_find(char *buf, size_t len);
/* Run it on script, stderr to log.  0, or FS_EXIT_RUNTIME with a message. */
int fs_gnuplot_run(const char *gnuplot, const char *script, const char *log, fs_err *err);
/* Write s as a single-quoted gnuplot string ('' doubles a quote). */
void fs_gnuplot_quote(FILE *f, const char *s);

#endif
