/*
 * diag.h - the one-line error every analysis function can return.
 *
 * Functions that can fail return 0, FS_EXIT_RUNTIME or FS_EXIT_INPUT (the
 * program's exit statuses) and fill an fs_err with one line saying which
 * file, which line and why, so main() prints it unchanged.
 */
#ifndef FS_DIAG_H
#define FS_DIAG_H

enum { FS_EXIT_OK = 0, FS_EXIT_RUNTIME = 1, FS_EXIT_INPUT = 2 };

typedef struct fs_err {
    int status; /* FS_EXIT_RUNTIME or FS_EXIT_INPUT once set */
    char msg[1024];
} fs_err;

/* Record the error (first one wins) and return status. */
int fs_err_set(fs_err *e, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
