/* gnuplot.c - find and run gnuplot (see gnuplot.h). */
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int executable(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

int fs_gnuplot_find(char *buf, size_t len)
{
    const char *env = getenv("FS_GNUPLOT");
    if (env && *env) {
        if (!executable(env)) return 0;
        snprintf(buf, len, "%s", env);
        return 1;
    }
    const char *path = getenv("PATH");
    if (!path) path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(buf, len, "%.*s/gnuplot", (int)n, path);
        if (n && executable(buf)) return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

int fs_gnuplot_run(const char *gnuplot, const char *script, const char *log, fs_err *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char *argv[] = {(char *)gnuplot, (char *)script, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, gnuplot, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return fs_err_set(err, FS_EXIT_RUNTIME, "cannot run %s: %s", gnuplot, strerror(rc));
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return fs_err_set(err, FS_EXIT_RUNTIME, "waiting for gnuplot: %s", strerror(errno));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return fs_err_set(err, FS_EXIT_RUNTIME, "gnuplot failed on %s (status %d, see %s)", script,
                          WIFEXITED(st) ? WEXITSTATUS(st) : -1, log);
    return 0;
}

void fs_gnuplot_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'') fputc('\'', f);
        if (*s == '\n' || *s == '\r') continue;
        fputc(*s, f);
    }
    fputc('\'', f);
}
