# analysis (issue 5): unit tests of the collective models, the link fit and
# the readers; CLI tests of `fabscale` (exit status and messages on bad
# input, import/fit/predict/report end to end).
set(FS_ANALYSIS_DATA ${CMAKE_CURRENT_SOURCE_DIR}/data)

fs_add_unit_test(analysis_collective_model SOURCES analysis/test_collective_model.c LIBS fs_analysis)
fs_add_unit_test(analysis_coll_properties SOURCES analysis/test_coll_properties.c LIBS fs_analysis)
fs_add_unit_test(analysis_link_fit SOURCES analysis/test_link_fit.c LIBS fs_analysis)
fs_add_unit_test(analysis_readers SOURCES analysis/test_readers.c LIBS fs_analysis)
fs_add_unit_test(analysis_reader_logs SOURCES analysis/test_reader_logs.c LIBS fs_analysis)
fs_add_unit_test(analysis_predict SOURCES analysis/test_predict.c LIBS fs_analysis)
fs_add_unit_test(analysis_calibrate SOURCES analysis/test_calibrate.c LIBS fs_analysis)
fs_add_unit_test(analysis_calib_nccl_a2a SOURCES analysis/test_calib_nccl_a2a.c LIBS fs_analysis)
foreach(t analysis_readers analysis_reader_logs analysis_predict analysis_calib_nccl_a2a)
  if(TARGET ${t})
    target_compile_definitions(${t} PRIVATE FS_TEST_DATA="${FS_ANALYSIS_DATA}")
  endif()
endforeach()

# Performance figures (issue 5) are measured here, not asserted in a timed
# unit test: run build/tests/analysis_bench.
add_executable(analysis_bench analysis/bench_analysis.c)
target_link_libraries(analysis_bench PRIVATE fs_analysis)

add_test(NAME analysis_cli
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/analysis/cli_test.sh $<TARGET_FILE:fabscale>
                 ${FS_ANALYSIS_DATA} ${CMAKE_CURRENT_BINARY_DIR}/analysis_cli)
set_tests_properties(analysis_cli PROPERTIES LABELS integration)

add_test(NAME analysis_import_cli
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/analysis/import_cli_test.sh $<TARGET_FILE:fabscale>
                 ${FS_ANALYSIS_DATA} ${CMAKE_CURRENT_BINARY_DIR}/analysis_import_cli)
set_tests_properties(analysis_import_cli PROPERTIES LABELS integration)
