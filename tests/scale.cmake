# Scale (issue 19): the harness at many oversubscribed ranks.
#  - test_aggregate: its cross-rank aggregation, pure (clock offsets, the
#    msgrate window, the pairs' aggregate rate).
#  - scale_unexpected_{4,8}: the harness's own messages never reach a rank
#    while it times (Open MPI's unexpected-queue counter through MPI_T,
#    read before and inside every batch's timed loop; tests/scale/unexpected.c).
fs_add_unit_test(test_aggregate SOURCES scale/test_aggregate.c LIBS fs_bench)

add_executable(scale_unexpected scale/unexpected.c)
target_link_libraries(scale_unexpected PRIVATE fs_bench MPI::MPI_C)
foreach(np 4 8)
  add_test(NAME scale_unexpected_${np}
           COMMAND ${MPIEXEC_EXECUTABLE} -n ${np} --oversubscribe $<TARGET_FILE:scale_unexpected> 0.3)
  set_tests_properties(scale_unexpected_${np} PROPERTIES LABELS scale
                       ENVIRONMENT "${FS_MPIEXEC_ENV};FS_YIELD=1" TIMEOUT 300 RUN_SERIAL TRUE
                       SKIP_RETURN_CODE 77)
endforeach()
