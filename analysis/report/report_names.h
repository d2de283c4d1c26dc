/*
 * report_names.h - what a report calls each input file: the shortest
 * trailing part of its path (whole components) that no other input shares,
 * so p4d/results.json and p5/results.json stay apart while a lone file is
 * just its base name.  Pure.
 */
#ifndef FS_REPORT_NAMES_H
#define FS_REPORT_NAMES_H

#include <stddef.h>

#define FS_REPORT_NAME_LEN 256

/* names[i] receives the name of paths[i].  Paths that are identical get
 * their full path followed by " #k" (k = 1-based position among them).  A
 * name longer than FS_REPORT_NAME_LEN - 1 keeps its last characters. */
void fs_report_short_names(const char *const *paths, size_t n, char (*names)[FS_REPORT_NAME_LEN]);

#endif
