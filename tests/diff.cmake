# fabscale diff (issue 15): cmocka units of the point comparison and the
# meta diff on synthetic results; CLI tests on real measurements
# (fabscale-bench twice on one build, and a bandwidth truly halved).
fs_add_unit_test(diff_run_compare SOURCES diff/test_run_compare.c LIBS fs_analysis)

# Same build twice (the median of 5 launches per file, interleaved): quiet; the
# same with bandwidth halved in the file: a regression, exit 1.
add_test(NAME diff_same_build
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/diff/same-build-test.sh
                 $<TARGET_FILE:fabscale-bench> $<TARGET_FILE:fabscale>
                 ${CMAKE_CURRENT_BINARY_DIR}/diff-same-build)
set_tests_properties(diff_same_build PROPERTIES LABELS integration TIMEOUT 300)

# A link shaped to 40 Mbit/s, then to 20 (emulated cluster "diff", subnet
# 10.77.0.0/24): quiet between two runs at one rate, a regression (exit 1
# with --fail-on-regression) between the rates.
add_test(NAME diff_throttle
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/diff/throttle-test.sh
                 ${CMAKE_SOURCE_DIR}/scripts/emulate-cluster $<TARGET_FILE:fabscale-bench>
                 $<TARGET_FILE:fabscale> ${CMAKE_CURRENT_BINARY_DIR}/diff-throttle)
set_tests_properties(diff_throttle PROPERTIES LABELS cluster SKIP_RETURN_CODE 77 RUN_SERIAL TRUE
                     TIMEOUT 400)
