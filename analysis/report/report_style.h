/*
 * report_style.h - how the report's charts draw series number i so that
 * every series stays distinct well past the 8 colours a palette offers:
 * a colour (8, colour-blind safe: Okabe & Ito 2008), a marker (7: coprime
 * with 8, so colour and marker repeat together only after 56 series) and a
 * dash pattern (4, changing every 8 series).  A model curve takes the style
 * of the measurement it models and is drawn dashed.  Pure.
 */
#ifndef FS_REPORT_STYLE_H
#define FS_REPORT_STYLE_H

#include <stddef.h>

#define FS_STYLE_COLOURS 8
#define FS_STYLE_MARKERS 7
#define FS_STYLE_DASHES  4

typedef struct fs_style {
    const char *colour; /* "#rrggbb" */
    int marker;         /* gnuplot point type */
    int dash;           /* gnuplot dash type (1: solid) */
} fs_style;

fs_style fs_report_style(size_t i);

/* The gnuplot style of a measured series ("linespoints lw 1.5 lc rgb
 * '#0072b2' pt 7 ps 0.6 dt 1"), or of a model curve drawn for it
 * (model: "lines lw 2 lc rgb '#0072b2' dt 2"). */
const char *fs_report_style_gnuplot(fs_style s, int model, char *buf, size_t len);

#endif
