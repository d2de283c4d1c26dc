# Training-step model, catalogues and plans (issues 6 and 13): cmocka unit tests on
# hand-computed cases, and a CLI test of `fabscale train|compare|plan` (end
# to end, and bad input: one line, exit status 2).
set(FS_TRAIN_ENV FABSCALE_DATADIR=${PROJECT_SOURCE_DIR}/analysis/data)

fs_add_unit_test(train_model SOURCES train/test_train_model.c LIBS fs_analysis)
fs_add_unit_test(train_moe SOURCES train/test_train_moe.c LIBS fs_analysis)
fs_add_unit_test(train_catalog SOURCES train/test_catalog.c LIBS fs_analysis)
fs_add_unit_test(train_plan SOURCES train/test_plan.c LIBS fs_analysis)
fs_add_unit_test(train_opts SOURCES train/test_train_opts.c LIBS fs_analysis)
if(TARGET train_catalog)
  set_tests_properties(train_catalog PROPERTIES ENVIRONMENT "${FS_TRAIN_ENV}")
endif()

add_test(NAME train_cli
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/train/cli_test.sh $<TARGET_FILE:fabscale>
                 ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/train_cli)
set_tests_properties(train_cli PROPERTIES LABELS integration ENVIRONMENT "${FS_TRAIN_ENV}")

# Performance (issue 6: a plan over 10 presets x 4 instance types x GPU counts
# 8..65536 under 50 ms) is measured, not asserted: run build/tests/train_bench.
add_executable(train_bench train/bench_plan.c)
target_link_libraries(train_bench PRIVATE fs_analysis)

fs_add_unit_test(train_report SOURCES train/test_train_report.c LIBS fs_analysis)
if(TARGET train_report)
  target_compile_definitions(train_report PRIVATE FS_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data")
  set_tests_properties(train_report PROPERTIES ENVIRONMENT "${FS_TRAIN_ENV}")
endif()
