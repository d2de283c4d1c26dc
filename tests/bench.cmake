# fabscale-bench: unit tests of the harness modules and mpirun integration tests.
fs_add_unit_test(test_stats SOURCES bench/test_stats.c LIBS fs_bench)
fs_add_unit_test(test_sizes SOURCES bench/test_sizes.c LIBS fs_bench)
fs_add_unit_test(test_options SOURCES bench/test_options.c LIBS fs_bench)
fs_add_unit_test(test_results SOURCES bench/test_results.c LIBS fs_bench)
fs_add_unit_test(test_watchdog SOURCES bench/test_watchdog.c LIBS fs_bench)
fs_add_unit_test(test_status SOURCES bench/test_status.c LIBS fs_bench)
# The benchmark registry, table columns by metric, and the collective
# benchmarks end to end on the collectives' in-process fake transport.
fs_add_unit_test(test_benchmarks SOURCES bench/test_benchmarks.c collectives/fake_transport.c
                 LIBS fs_bench Threads::Threads)
if(TARGET test_benchmarks)
  target_include_directories(test_benchmarks PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/collectives)
endif()

# The harness on a threaded in-process runtime (bench/rte_threads.c) with a
# fake clock; the validation cases run latency over tests/collectives' fake
# transport.
find_package(Threads REQUIRED)
fs_add_unit_test(test_rte SOURCES bench/test_rte.c bench/rte_threads.c
                 LIBS fs_bench Threads::Threads)
fs_add_unit_test(test_harness
  SOURCES bench/test_harness.c bench/rte_threads.c collectives/fake_transport.c
  LIBS fs_bench Threads::Threads)
fs_add_unit_test(test_metadata SOURCES bench/test_metadata.c LIBS fs_bench)
foreach(t test_rte test_harness)
  if(TARGET ${t})
    target_include_directories(${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/bench
                               ${CMAKE_CURRENT_SOURCE_DIR}/collectives)
  endif()
endforeach()

add_executable(check_results bench/check_results.c)
target_link_libraries(check_results PRIVATE PkgConfig::JANSSON ${MATH_LIB})

set(FS_RUN_CHECK ${CMAKE_CURRENT_SOURCE_DIR}/bench/run_and_check.sh)
set(FS_BENCH_BIN $<TARGET_FILE:fabscale-bench>)
set(FS_CHECK_BIN $<TARGET_FILE:check_results>)

# fs_add_mpi_test(NAME NP "bench args" "check args")
function(fs_add_mpi_test name np bench_args check_args)
  separate_arguments(bargs UNIX_COMMAND "${bench_args}")
  separate_arguments(cargs UNIX_COMMAND "${check_args}")
  add_test(NAME ${name}
           COMMAND ${FS_RUN_CHECK} ${MPIEXEC_EXECUTABLE} ${np}
                   ${CMAKE_CURRENT_BINARY_DIR}/${name}.json
                   -- ${FS_BENCH_BIN} ${bargs} -- ${FS_CHECK_BIN} ${cargs})
  set_tests_properties(${name} PROPERTIES LABELS integration ENVIRONMENT "${FS_MPIEXEC_ENV}"
                       TIMEOUT 300 RUN_SERIAL TRUE)
endfunction()

foreach(b latency bw bibw msgrate)
  fs_add_mpi_test(bench_mpi_${b} 2
    "-t mpi -b ${b} --sizes 1:1M --time-per-size 0.05 --validate"
    "--run ${b}:mpi:mpi --points 21 --ranks 2 --validated")
endforeach()
fs_add_mpi_test(bench_mpi_msgrate_4ranks 4
  "-t mpi -b msgrate,latency --sizes 8,64K --time-per-size 0.05 --validate"
  "--run msgrate:mpi --run latency:mpi --points 2 --ranks 4 --pairs 2 --validated")
# --iterations above --max-iters is honoured (it wrote past the samples).
fs_add_mpi_test(bench_mpi_iterations_above_max 2
  "-t mpi -b latency --sizes 8 --iterations 300 --max-iters 100"
  "--run latency:mpi --points 1")
fs_add_mpi_test(bench_mpi_fixed_iterations 2
  "-t mpi -b latency,bw --sizes 1K:4K --half-steps --iterations 50 --window 8"
  "--run latency:mpi --run bw:mpi --points 5")

add_test(NAME bench_bad_input
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/bench/bad_input.sh ${MPIEXEC_EXECUTABLE}
                 ${FS_BENCH_BIN} ${FS_CHECK_BIN})
set_tests_properties(bench_bad_input PROPERTIES LABELS integration ENVIRONMENT "${FS_MPIEXEC_ENV}"
                     TIMEOUT 300 RUN_SERIAL TRUE)

# The minimal MPI loops of osu_latency / osu_bw, for scripts/bench-mpi.
add_executable(fs_mpi_loops perf/mpi_loops.c)
target_link_libraries(fs_mpi_loops PRIVATE MPI::MPI_C)

# The MPI runtime drives progress hooks while it waits (issue 17's hang,
# modelled without a network): rank 1 joins each collective only after a
# token rank 0 sends from its hook.
add_executable(test_rte_progress ${CMAKE_CURRENT_SOURCE_DIR}/bench/test_rte_progress.c)
target_link_libraries(test_rte_progress PRIVATE fs_bench MPI::MPI_C)
add_test(NAME test_rte_progress COMMAND ${MPIEXEC_EXECUTABLE} -n 2 $<TARGET_FILE:test_rte_progress>)
set_tests_properties(test_rte_progress PROPERTIES LABELS integration ENVIRONMENT "${FS_MPIEXEC_ENV}"
                     TIMEOUT 60)

# --bind core honours the launcher's binding and records who placed each rank.
add_test(NAME bench_binding
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/bench/binding.sh ${MPIEXEC_EXECUTABLE} ${FS_BENCH_BIN})
set_tests_properties(bench_binding PROPERTIES LABELS integration ENVIRONMENT "${FS_MPIEXEC_ENV}"
                     TIMEOUT 120 SKIP_RETURN_CODE 77)
