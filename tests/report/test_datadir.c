/*
 * test_datadir.c - where fabscale looks for its data files: beside the
 * installed program wherever it was moved, the source tree only for a
 * program inside its build tree, $FABSCALE_DATADIR above both.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "datadir.h"

static void installed_relative(void **state)
{
    (void)state;
    char b[512];
    fs_datadir_from from;
    fs_datadir_for_exe("/opt/moved/bin/fabscale", 1, "/src/build", "/src/analysis/data", b,
                       sizeof b, &from);
    assert_string_equal(b, "/opt/moved/bin/../share/fabscale");
    assert_int_equal(from, FS_DATADIR_INSTALLED);
    /* an installed tree whose share is missing: the error names where it should be,
     * the source tree is never read */
    fs_datadir_for_exe("/opt/moved/bin/fabscale", 0, "/src/build", "/src/analysis/data", b,
                       sizeof b, &from);
    assert_string_equal(b, "/opt/moved/bin/../share/fabscale");
    assert_int_equal(from, FS_DATADIR_INSTALLED);
}

static void build_tree_only_inside_it(void **state)
{
    (void)state;
    char b[512];
    fs_datadir_from from;
    fs_datadir_for_exe("/src/build/analysis/fabscale", 0, "/src/build", "/src/analysis/data", b,
                       sizeof b, &from);
    assert_string_equal(b, "/src/analysis/data");
    assert_int_equal(from, FS_DATADIR_BUILD_TREE);
    /* a sibling directory that merely starts with the build dir's name is not inside it */
    fs_datadir_for_exe("/src/build-install/bin/fabscale", 0, "/src/build", "/src/analysis/data", b,
                       sizeof b, &from);
    assert_int_equal(from, FS_DATADIR_INSTALLED);
    /* installed into the build tree with its share: the installed copy wins */
    fs_datadir_for_exe("/src/build/stage/bin/fabscale", 1, "/src/build", "/src/analysis/data", b,
                       sizeof b, &from);
    assert_string_equal(b, "/src/build/stage/bin/../share/fabscale");
    assert_int_equal(from, FS_DATADIR_INSTALLED);
    /* a prefix installed (or moved) inside the build tree, its share missing: still
     * an installed program, never the source tree */
    fs_datadir_for_exe("/src/build/moved/bin/fabscale", 0, "/src/build", "/src/analysis/data", b,
                       sizeof b, &from);
    assert_string_equal(b, "/src/build/moved/bin/../share/fabscale");
    assert_int_equal(from, FS_DATADIR_INSTALLED);
    /* no build dir compiled in */
    fs_datadir_for_exe("/src/build/analysis/fabscale", 0, NULL, NULL, b, sizeof b, &from);
    assert_int_equal(from, FS_DATADIR_INSTALLED);
}

static void environment_first(void **state)
{
    (void)state;
    char b[512];
    fs_datadir_from from;
    setenv("FABSCALE_DATADIR", "/my/data", 1);
    assert_string_equal(fs_datadir(b, sizeof b, &from), "/my/data");
    assert_int_equal(from, FS_DATADIR_ENV);
    unsetenv("FABSCALE_DATADIR");
    /* this test program lives in the build tree: the source tree's data */
    fs_datadir(b, sizeof b, &from);
    assert_int_equal(from, FS_DATADIR_BUILD_TREE);
    assert_non_null(strstr(b, "analysis/data"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(installed_relative),
        cmocka_unit_test(build_tree_only_inside_it),
        cmocka_unit_test(environment_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
