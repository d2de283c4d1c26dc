# Scale (issue 19): the harness at many oversubscribed ranks (mpirun tests: label scale).
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

#  - scale_many_ranks: every benchmark at 64 oversubscribed ranks (ofi/shm) with
#    --validate (tests/scale/many_ranks.sh; must pass on a loaded 2-core
#    machine).
add_test(NAME scale_many_ranks
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scale/many_ranks.sh ${MPIEXEC_EXECUTABLE} 64
                 $<TARGET_FILE:fabscale-bench> $<TARGET_FILE:check_results>
                 ${CMAKE_CURRENT_BINARY_DIR}/scale_many_ranks)
set_tests_properties(scale_many_ranks PROPERTIES LABELS scale ENVIRONMENT "${FS_MPIEXEC_ENV}"
                     TIMEOUT 600 RUN_SERIAL TRUE)
