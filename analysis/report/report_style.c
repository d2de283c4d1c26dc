/* report_style.c - distinct series styles (see report_style.h). */
#include "report_style.h"

#include <stdio.h>

/* Okabe & Ito's palette (black last: it reads as an axis next to grey). */
static const char *const colours[FS_STYLE_COLOURS] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                                      "#e69f00", "#56b4e9", "#f0e442", "#000000"};
/* filled circle, filled square, filled triangle, filled diamond, cross,
 * open circle, filled inverted triangle */
static const int markers[FS_STYLE_MARKERS] = {7, 5, 9, 13, 2, 6, 11};
/* solid, then gnuplot's dashed patterns; model curves use their own (2) */
static const int dashes[FS_STYLE_DASHES] = {1, 4, 5, 3};

fs_style fs_report_style(size_t i)
{
    fs_style s = {colours[i % FS_STYLE_COLOURS], markers[i % FS_STYLE_MARKERS],
                  dashes[(i / FS_STYLE_COLOURS) % FS_STYLE_DASHES]};
    return s;
}

const char *fs_report_style_gnuplot(fs_style s, int model, char *buf, size_t len)
{
    if (model)
        snprintf(buf, len, "lines lw 2 lc rgb '%s' dt 2", s.colour);
    else
        snprintf(buf, len, "linespoints lw 1.5 lc rgb '%s' pt %d ps 0.7 dt %d", s.colour, s.marker,
                 s.dash);
    return buf;
}
