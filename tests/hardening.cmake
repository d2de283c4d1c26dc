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
