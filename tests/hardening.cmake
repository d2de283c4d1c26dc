# Hardening: fault injection (watchdog, dead rank, corruption, delay).
set(FS_FABSCALE_BIN "")
if(TARGET fabscale)
  set(FS_FABSCALE_BIN $<TARGET_FILE:fabscale>)
endif()
add_test(NAME hardening_faults
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/hardening/faults.sh ${MPIEXEC_EXECUTABLE}
                 $<TARGET_FILE:fabscale-bench> $<TARGET_FILE:check_results> ${FS_FABSCALE_BIN})
set_tests_properties(hardening_faults PROPERTIES LABELS integration ENVIRONMENT "${FS_MPIEXEC_ENV}"
                     TIMEOUT 600 RUN_SERIAL TRUE)

# The watchdog on slow emulated links (3 hosts, an odd-sized pair benchmark):
# an iteration longer than --timeout is not a hang, a stopped peer is.
add_test(NAME hardening_watchdog_cluster
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/hardening/watchdog-cluster.sh
                 ${CMAKE_SOURCE_DIR}/scripts/emulate-cluster $<TARGET_FILE:fabscale-bench>
                 $<TARGET_FILE:check_results> ${CMAKE_CURRENT_BINARY_DIR}/watchdog-cluster)
set_tests_properties(hardening_watchdog_cluster PROPERTIES LABELS cluster SKIP_RETURN_CODE 77
                     RUN_SERIAL TRUE TIMEOUT 400)

# The watchdog through start-up (issue 19): set-up that touches large
# buffers for seconds is not a hang; page faults count as progress.
add_test(NAME hardening_watchdog_startup
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/hardening/test_watchdog_startup.sh
                 ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:fabscale-bench>)
set_tests_properties(hardening_watchdog_startup PROPERTIES LABELS integration
                     ENVIRONMENT "${FS_MPIEXEC_ENV}" TIMEOUT 600 RUN_SERIAL TRUE)
fs_add_unit_test(test_watchdog_progress SOURCES hardening/test_watchdog_progress.c LIBS fs_bench)
