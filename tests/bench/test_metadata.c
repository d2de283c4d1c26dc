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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_env_knobs_recorded),
        cmocka_unit_test(test_env_knob_unset_absent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
