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
