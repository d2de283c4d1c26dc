/* diag.c - one-line errors (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

int fs_err_set(fs_err *e, int status, const char *fmt, ...)
{
    /* The first error is the cause; later ones are consequences. */
    if (e && e->status == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        /* Messages quote input files (keys, names, titles): a control
         * character there (a JSON "\n" escape, ESC) must not break the one
         * line or reach the terminal. */
        for (char *c = e->msg; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
        e->status = status;
    }
    return status;
}
