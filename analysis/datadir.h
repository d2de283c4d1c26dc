/*
 * datadir.h - where `fabscale` finds its shipped data files (catalogues),
 * so that an installed tree works wherever its prefix is moved:
 *   1. $FABSCALE_DATADIR when set (tests, users with their own copy);
 *   2. <directory of the running program>/../share/fabscale (read from
 *      /proc/self/exe): the installed layout, relative, wherever it is;
 *   3. the source tree's analysis/data, only when the running program lies
 *      inside the build tree it was compiled in (FS_BUILD_DIR) and not in a
 *      directory named like the install's bin/: running from a build
 *      directory.  An installed program never reads the source tree, even
 *      when it still exists, even when the prefix lies inside the build tree.
 * When none applies, the installed location (2) is returned, so the error
 * a missing file gives names where it should have been.
 */
#ifndef FS_DATADIR_H
#define FS_DATADIR_H

#include <stddef.h>

typedef enum fs_datadir_from {
    FS_DATADIR_ENV,
    FS_DATADIR_INSTALLED,
    FS_DATADIR_BUILD_TREE
} fs_datadir_from;

/* The directory into buf; *from (may be NULL) says which rule gave it. */
const char *fs_datadir(char *buf, size_t len, fs_datadir_from *from);

/* Rules 2 and 3 for a program at exe (pure: tests call it with any path).
 * share_exists says whether <exe's dir>/../share/fabscale/instances.json
 * is readable. */
const char *fs_datadir_for_exe(const char *exe, int share_exists, const char *build_dir,
                               const char *source_datadir, char *buf, size_t len,
                               fs_datadir_from *from);

#endif
