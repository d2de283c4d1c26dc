/* datadir.c - find the shipped data files (see datadir.h). */
#include "datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* The install layout, relative to the program's directory (configured:
 * CMAKE_INSTALL_BINDIR to CMAKE_INSTALL_DATADIR/fabscale). */
#ifndef FS_DATADIR_FROM_BINDIR
#define FS_DATADIR_FROM_BINDIR "../share/fabscale"
#endif
#ifndef FS_INSTALL_BINDIR_NAME
#define FS_INSTALL_BINDIR_NAME "bin"
#endif

/* <dir of exe>/../share/fabscale, lexically ("/opt/x/bin/fabscale" ->
 * "/opt/x/bin/../share/fabscale"). */
static void installed(const char *exe, char *buf, size_t len)
{
    const char *slash = strrchr(exe, '/');
    int dl = slash ? (int)(slash - exe) : 1;
    snprintf(buf, len, "%.*s/%s", dl, slash ? exe : ".", FS_DATADIR_FROM_BINDIR);
}

/* Does exe lie in a directory named like the install's bin directory?  The
 * build tree puts programs in analysis/, benchmarks/, tests/, never there. */
static int in_bindir(const char *exe)
{
    const char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    const char *d = slash;
    while (d > exe && d[-1] != '/') d--;
    size_t n = strlen(FS_INSTALL_BINDIR_NAME);
    return (size_t)(slash - d) == n && strncmp(d, FS_INSTALL_BINDIR_NAME, n) == 0;
}

const char *fs_datadir_for_exe(const char *exe, int share_exists, const char *build_dir,
                               const char *source_datadir, char *buf, size_t len,
                               fs_datadir_from *from)
{
    size_t bl = build_dir ? strlen(build_dir) : 0;
    /* inside the build tree (the directory itself followed by '/') and not an
     * installed layout put there (a prefix inside the build directory) */
    int in_build = bl && strncmp(exe, build_dir, bl) == 0 && exe[bl] == '/' && !in_bindir(exe);
    if (!share_exists && in_build && source_datadir) {
        snprintf(buf, len, "%s", source_datadir);
        if (from) *from = FS_DATADIR_BUILD_TREE;
        return buf;
    }
    installed(exe, buf, len);
    if (from) *from = FS_DATADIR_INSTALLED;
    return buf;
}

const char *fs_datadir(char *buf, size_t len, fs_datadir_from *from)
{
    const char *env = getenv("FABSCALE_DATADIR");
    if (env && *env) {
        snprintf(buf, len, "%s", env);
        if (from) *from = FS_DATADIR_ENV;
        return buf;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) n = (ssize_t)snprintf(exe, sizeof exe, "%s", "/usr/local/bin/fabscale");
    exe[n] = '\0';
    char probe[PATH_MAX + 64];
    installed(exe, probe, sizeof probe);
    strncat(probe, "/instances.json", sizeof probe - strlen(probe) - 1);
#ifdef FS_BUILD_DIR
    const char *build_dir = FS_BUILD_DIR, *src = FS_SOURCE_DATADIR;
#else
    const char *build_dir = NULL, *src = NULL;
#endif
    return fs_datadir_for_exe(exe, access(probe, R_OK) == 0, build_dir, src, buf, len, from);
}
