/*
 * test_metadata.c - which environment variables meta.settings records:
 * fabscale's knobs, libfabric's FI_* and Open MPI's OMPI_MCA_* (but not
 * mpirun's own plumbing), with their values, and nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdlib.h>

#include "metadata.h"

static void test_env_knobs_recorded(void **state)
{
    (void)state;
    setenv("FS_COLL_CHUNK", "65536", 1);
    setenv("FS_YIELD", "1", 1);
    setenv("FS_FAULT", "delay:rank=1:us=300", 1);
    setenv("FI_PROVIDER", "shm", 1);
    setenv("FI_EFA_USE_DEVICE_RDMA", "1", 1);
    setenv("OMPI_MCA_btl", "self,vader", 1);
    /* Not knobs: mpirun's plumbing, other programs' variables. */
    setenv("OMPI_MCA_orte_hnp_uri", "123.0;tcp://10.0.0.1:4000", 1);
    setenv("OMPI_MCA_ess_base_jobid", "42", 1);
    setenv("OMPI_MCA_pmix", "^s1", 1);
    setenv("FS_GNUPLOT", "/usr/bin/gnuplot", 1);
    setenv("FIX_ME", "no", 1);

    json_t *settings = json_pack("{s:f}", "precision", 0.01);
    fs_metadata_add_env_knobs(settings);
    assert_string_equal(json_string_value(json_object_get(settings, "FS_COLL_CHUNK")), "65536");
    assert_string_equal(json_string_value(json_object_get(settings, "FS_YIELD")), "1");
    assert_string_equal(json_string_value(json_object_get(settings, "FS_FAULT")),
                        "delay:rank=1:us=300");
    assert_string_equal(json_string_value(json_object_get(settings, "FI_PROVIDER")), "shm");
    assert_string_equal(json_string_value(json_object_get(settings, "FI_EFA_USE_DEVICE_RDMA")),
                        "1");
    assert_string_equal(json_string_value(json_object_get(settings, "OMPI_MCA_btl")), "self,vader");
    assert_null(json_object_get(settings, "OMPI_MCA_orte_hnp_uri"));
    assert_null(json_object_get(settings, "OMPI_MCA_ess_base_jobid"));
    assert_null(json_object_get(settings, "OMPI_MCA_pmix"));
    assert_null(json_object_get(settings, "FS_GNUPLOT"));
    assert_null(json_object_get(settings, "FIX_ME"));
    /* The options already there stay. */
    assert_true(json_real_value(json_object_get(settings, "precision")) == 0.01);
    json_decref(settings);
}

static void test_env_knob_unset_absent(void **state)
{
    (void)state;
    unsetenv("FS_COLL_CHUNK");
    json_t *settings = json_object();
    fs_metadata_add_env_knobs(settings);
    assert_null(json_object_get(settings, "FS_COLL_CHUNK"));
    json_decref(settings);
}

/* --bind core binds only a rank the launcher left unbound; a launcher's
 * binding of any width (a core, a NUMA node, a socket) is kept. */
static void test_bind_decision(void **state)
{
    (void)state;
    bool bind = true;
    /* Unbound: the mask is every allowed CPU (or more). */
    assert_int_equal(fs_bind_decide(true, false, "0-15", "0-15", &bind), FS_BOUND_FABSCALE);
    assert_true(bind);
    assert_int_equal(fs_bind_decide(true, false, "0-31", "0-15", &bind), FS_BOUND_FABSCALE);
    assert_true(bind);
    /* A cgroup that allows 4-7 only, and no launcher binding inside it. */
    assert_int_equal(fs_bind_decide(true, false, "4-7", "4-7", &bind), FS_BOUND_FABSCALE);
    /* mpirun --bind-to core, --bind-to numa / srun --cpu-bind=sockets. */
    assert_int_equal(fs_bind_decide(true, false, "3", "0-15", &bind), FS_BOUND_LAUNCHER);
    assert_false(bind);
    assert_int_equal(fs_bind_decide(true, false, "0-7", "0-15", &bind), FS_BOUND_LAUNCHER);
    assert_false(bind);
    assert_int_equal(fs_bind_decide(true, false, "0,2,4,6", "0-7", &bind), FS_BOUND_LAUNCHER);
    /* --bind none: nothing is bound by us; who placed it is still said. */
    assert_int_equal(fs_bind_decide(false, false, "0-15", "0-15", &bind), FS_BOUND_NOBODY);
    assert_false(bind);
    assert_int_equal(fs_bind_decide(false, false, "0-7", "0-15", &bind), FS_BOUND_LAUNCHER);
    /* mpirun --bind-to none / srun --cpu-bind=none on an unbound rank: the
     * user's explicit placement is kept; a real binding still wins. */
    assert_int_equal(fs_bind_decide(true, true, "0-15", "0-15", &bind), FS_BOUND_NOBODY);
    assert_false(bind);
    assert_int_equal(fs_bind_decide(true, true, "3", "0-15", &bind), FS_BOUND_LAUNCHER);
    assert_false(bind);
    assert_true(fs_launcher_says_unbound("none", NULL));
    assert_false(fs_launcher_says_unbound("core", NULL));
    assert_false(fs_launcher_says_unbound(NULL, NULL));
    assert_true(fs_launcher_says_unbound(NULL, "none"));
    assert_true(fs_launcher_says_unbound(NULL, "quiet,none"));
    assert_false(fs_launcher_says_unbound(NULL, "nonexistent"));
    assert_false(fs_launcher_says_unbound(NULL, "map_cpu"));
    assert_string_equal(fs_bound_by_name(FS_BOUND_LAUNCHER), "launcher");
    assert_string_equal(fs_bound_by_name(FS_BOUND_FABSCALE), "fabscale-bench");
    assert_string_equal(fs_bound_by_name(FS_BOUND_NOBODY), "none");
}

/* Spinning only when every rank of the host has a core; FS_YIELD decides
 * when given (both ways). */
static void test_yield_when_oversubscribed(void **state)
{
    (void)state;
    assert_false(fs_yield_when_idle(2, 2, NULL));
    assert_false(fs_yield_when_idle(1, 2, NULL));
    assert_true(fs_yield_when_idle(3, 2, NULL));
    assert_true(fs_yield_when_idle(64, 2, ""));
    assert_false(fs_yield_when_idle(96, 192, NULL));
    assert_true(fs_yield_when_idle(2, 2, "1"));
    assert_false(fs_yield_when_idle(64, 2, "0"));
    assert_false(fs_yield_when_idle(4, -1, NULL)); /* sysconf failed: spin, as before */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_decision),
        cmocka_unit_test(test_env_knobs_recorded),
        cmocka_unit_test(test_env_knob_unset_absent),
        cmocka_unit_test(test_yield_when_oversubscribed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
