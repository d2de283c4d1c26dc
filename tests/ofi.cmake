# libfabric transport tests (issue 3).
#
# Unit: the transport's decisions against EFA's attribute sets, with
# fi_getinfo / fi_fabric / fi_version replaced at link time by a scripted
# libfabric (tests/ofi/fake_fabric.c) and the MPI launcher faked.
set(FS_TR_SRC ${CMAKE_SOURCE_DIR}/transports)
set(FS_OFI_SRC ${FS_TR_SRC}/ofi)
fs_add_unit_test(test_ofi_efa
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/ofi/test_ofi_efa.c ${CMAKE_CURRENT_SOURCE_DIR}/ofi/fake_fabric.c
          ${FS_OFI_SRC}/ofi.c ${FS_OFI_SRC}/ofi_info.c ${FS_OFI_SRC}/ofi_mr.c
          ${FS_OFI_SRC}/ofi_xfer.c ${FS_OFI_SRC}/ofi_attr.c ${FS_OFI_SRC}/ofi_list.c
          ${FS_OFI_SRC}/ofi_rails.c
          ${FS_TR_SRC}/transport.c ${FS_TR_SRC}/coll_types.c ${FS_TR_SRC}/mpi/mpi.c
          ${CMAKE_SOURCE_DIR}/common/fs_rte.c
  LIBS PkgConfig::FABRIC PkgConfig::JANSSON MPI::MPI_C)
if(TARGET test_ofi_efa)
  target_include_directories(test_ofi_efa PRIVATE ${FS_TR_SRC} ${FS_OFI_SRC} ${CMAKE_CURRENT_SOURCE_DIR}/ofi
                             ${CMAKE_SOURCE_DIR}/common)
  target_link_options(test_ofi_efa PRIVATE
    -Wl,--wrap=fi_getinfo -Wl,--wrap=fi_fabric -Wl,--wrap=fi_version)
endif()

# Unit: --nics on a 4-NIC EFA node (scripted fi_getinfo list, hwloc XML
# topology): one domain per device, in order, with its own attributes, and
# its NUMA node.
fs_add_unit_test(test_ofi_nics
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/ofi/test_ofi_nics.c ${CMAKE_CURRENT_SOURCE_DIR}/ofi/fake_fabric.c
          ${FS_OFI_SRC}/ofi.c ${FS_OFI_SRC}/ofi_info.c ${FS_OFI_SRC}/ofi_mr.c
          ${FS_OFI_SRC}/ofi_xfer.c ${FS_OFI_SRC}/ofi_attr.c ${FS_OFI_SRC}/ofi_list.c
          ${FS_OFI_SRC}/ofi_rails.c ${CMAKE_SOURCE_DIR}/benchmarks/core/nics.c
          ${FS_TR_SRC}/transport.c ${FS_TR_SRC}/coll_types.c ${FS_TR_SRC}/mpi/mpi.c
          ${CMAKE_SOURCE_DIR}/common/fs_rte.c
  LIBS PkgConfig::FABRIC PkgConfig::JANSSON PkgConfig::HWLOC MPI::MPI_C ${MATH_LIB})
if(TARGET test_ofi_nics)
  target_include_directories(test_ofi_nics PRIVATE ${FS_TR_SRC} ${FS_OFI_SRC} ${CMAKE_CURRENT_SOURCE_DIR}/ofi
                             ${CMAKE_SOURCE_DIR}/common ${CMAKE_SOURCE_DIR}/benchmarks/core)
  target_compile_definitions(test_ofi_nics PRIVATE
    FS_EFA4_TOPOLOGY="${CMAKE_CURRENT_SOURCE_DIR}/ofi/data/efa4-topology.xml")
  target_link_options(test_ofi_nics PRIVATE
    -Wl,--wrap=fi_getinfo -Wl,--wrap=fi_fabric -Wl,--wrap=fi_version)
endif()

# Integration: the transport on its own (tests/ofi/driver.c) and through
# fabscale-bench, with `mpirun -n 2` on this host's providers, with and
# without --emulate-efa.  "tcp$<SEMICOLON>ofi_rxm" keeps the ';' out of
# CMake's list splitting.
find_package(Python3 COMPONENTS Interpreter)
add_executable(ofi_driver ${CMAKE_CURRENT_SOURCE_DIR}/ofi/driver.c)
target_link_libraries(ofi_driver PRIVATE fs_transport fs_bench) # fs_bench: rte_mpi.c
set(FS_OFI_PROVIDERS shm "tcp$<SEMICOLON>ofi_rxm")
set(FS_OFI_NAMES shm tcp_rxm)
foreach(i RANGE 1)
  list(GET FS_OFI_PROVIDERS ${i} prov)
  list(GET FS_OFI_NAMES ${i} name)
  foreach(emu "" "--emulate-efa")
    set(suffix "")
    if(emu)
      set(suffix "_emulate_efa")
    endif()
    add_test(NAME ofi_driver_${name}${suffix}
             COMMAND ${MPIEXEC_EXECUTABLE} -n 2 $<TARGET_FILE:ofi_driver> --provider ${prov} ${emu})
    # FI_TCP_IFACE=lo: see tests/ofi/bench_check.py (loopback only).
    set_tests_properties(ofi_driver_${name}${suffix} PROPERTIES
                         ENVIRONMENT "${FS_MPIEXEC_ENV};FI_TCP_IFACE=lo" LABELS integration
                         TIMEOUT 300)
    if(Python3_FOUND)
      add_test(NAME ofi_bench_${name}${suffix}
               COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/ofi/bench_check.py
                       results ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:fabscale-bench> ${prov} ${emu})
      set_tests_properties(ofi_bench_${name}${suffix} PROPERTIES
                           LABELS integration TIMEOUT 600)
    endif()
  endforeach()
endforeach()

# Injected EAGAIN on 30 % of small socket sends (tests/ofi/eagain_shim.c,
# preloaded): tcp;ofi_rxm buffers sends it reported done, and a rank must
# keep its endpoint progressing while it waits in the runtime's barriers.
add_library(fs_eagain_shim MODULE ${CMAKE_CURRENT_SOURCE_DIR}/ofi/eagain_shim.c)
target_link_libraries(fs_eagain_shim PRIVATE ${CMAKE_DL_LIBS})
if(Python3_FOUND)
  add_test(NAME ofi_tcp_eagain
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/ofi/eagain_check.py
                   ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:fabscale-bench>
                   $<TARGET_FILE:fs_eagain_shim> ${CMAKE_CURRENT_BINARY_DIR}/ofi_tcp_eagain)
  set_tests_properties(ofi_tcp_eagain PROPERTIES LABELS integration ENVIRONMENT "${FS_MPIEXEC_ENV}"
                       TIMEOUT 600 RUN_SERIAL TRUE)
endif()

# Bad input: one clear line and exit status 2.
if(Python3_FOUND)
  set(FS_OFI_CHECK ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/ofi/bench_check.py bad
      ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:fabscale-bench> 2)
  add_test(NAME ofi_bad_provider
           COMMAND ${FS_OFI_CHECK} "provider \"efa\" not available on this host"
                   --transport ofi --provider efa --bench latency)
  add_test(NAME ofi_bad_fabric
           COMMAND ${FS_OFI_CHECK} "provider \"shm\" has no fabric \"efa-direct\""
                   --transport ofi --provider shm --fabric efa-direct --bench latency)
  set_tests_properties(ofi_bad_provider ofi_bad_fabric PROPERTIES LABELS integration TIMEOUT 120)
endif()

# The yardstick for scripts/bench-ofi: a minimal fi_tsend/fi_trecv loop.
add_executable(ofi_min ${CMAKE_CURRENT_SOURCE_DIR}/ofi/ofi_min.c)
target_link_libraries(ofi_min PRIVATE MPI::MPI_C PkgConfig::FABRIC)

# One launch sweeping transports and providers; --list-providers.
if(Python3_FOUND)
  add_test(NAME ofi_sweep_mpi_shm_tcp
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/ofi/bench_check.py sweep
                   ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:fabscale-bench>)
  add_test(NAME ofi_list_providers
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/ofi/bench_check.py list
                   $<TARGET_FILE:fabscale-bench>)
  set_tests_properties(ofi_sweep_mpi_shm_tcp ofi_list_providers PROPERTIES
                       LABELS integration TIMEOUT 300)
endif()

# --nics: one rail over loopback accounts for every byte; an unknown NIC
# name, --nics without -t ofi, and --nics with --domain are bad input.
if(Python3_FOUND)
  add_test(NAME ofi_nics_loopback
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/ofi/nics_check.py loopback
                   ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:fabscale-bench>)
  set_tests_properties(ofi_nics_loopback PROPERTIES LABELS integration TIMEOUT 600)
  add_test(NAME ofi_nics_unknown
           COMMAND ${FS_OFI_CHECK} "--nics: provider \"tcp;ofi_rxm\" has no domain \"nosuchnic0\""
                   --transport ofi --provider tcp --nics lo,nosuchnic0 --bench bw)
  add_test(NAME ofi_nics_without_ofi
           COMMAND ${FS_OFI_CHECK} "--nics applies to the libfabric transport"
                   --transport mpi --nics all --bench bw)
  add_test(NAME ofi_nics_and_domain
           COMMAND ${FS_OFI_CHECK} "--nics and --domain" --transport ofi --provider tcp
                   --nics lo --domain lo --bench bw)
  set_tests_properties(ofi_nics_unknown ofi_nics_without_ofi ofi_nics_and_domain PROPERTIES
                       LABELS integration TIMEOUT 120)
endif()
