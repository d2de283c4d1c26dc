# fabscale diff (issue 15): cmocka units of the point comparison and the
# meta diff on synthetic results; CLI tests on real measurements
# (fabscale-bench twice on one build, and a bandwidth truly halved).
fs_add_unit_test(diff_run_compare SOURCES diff/test_run_compare.c LIBS fs_analysis)
