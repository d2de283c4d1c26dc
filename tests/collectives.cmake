# Collectives (issue 4): unit tests on the fake in-process transport, and
# mpirun integration tests of the allreduce / reduce_scatter / allgather
# benchmarks over MPI, libfabric shm and tcp;ofi_rxm.
find_package(Threads REQUIRED)

fs_add_unit_test(test_collectives
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/collectives/test_collectives.c
          ${CMAKE_CURRENT_SOURCE_DIR}/collectives/fake_transport.c
  LIBS fs_collectives Threads::Threads)
if(TARGET test_collectives)
  target_include_directories(test_collectives PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/collectives)
  # 1,600 small worlds of up to 9 threads: seconds normally, longer under ASan.
  set_tests_properties(test_collectives PROPERTIES TIMEOUT 600)
endif()

fs_add_unit_test(test_alltoall
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/collectives/test_alltoall.c
          ${CMAKE_CURRENT_SOURCE_DIR}/collectives/fake_transport.c
  LIBS fs_collectives Threads::Threads)
if(TARGET test_alltoall)
  target_include_directories(test_alltoall PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/collectives)
  set_tests_properties(test_alltoall PROPERTIES TIMEOUT 600)
endif()

# The alltoall and alltoallv benchmarks on the fake transport: validation
# messages, the skew model's layout and extras, refusals.
if(TARGET fs_bench)
  fs_add_unit_test(test_a2a_bench
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/collectives/test_a2a_bench.c
            ${CMAKE_CURRENT_SOURCE_DIR}/collectives/fake_transport.c
    LIBS fs_bench Threads::Threads)
  if(TARGET test_a2a_bench)
    target_include_directories(test_a2a_bench PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/collectives)
  endif()
endif()

# Integration: each collective, every algorithm that applies (and native on
# mpi), validated, over MPI, libfabric shm and tcp;ofi_rxm at 2, 3 (not a
# power of two: the fold) and 4 ranks; each type on each transport once.
set(FS_COLL_IT ${CMAKE_CURRENT_SOURCE_DIR}/collectives/integration.py)
function(fs_coll_test name tr prov np dt)
  add_test(NAME ${name}
           COMMAND python3 ${FS_COLL_IT} ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:fabscale-bench>
                   ${np} ${tr} "${prov}" ${dt} ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set_tests_properties(${name} PROPERTIES LABELS integration ENVIRONMENT "${FS_MPIEXEC_ENV}"
                       TIMEOUT 600 RUN_SERIAL TRUE)
endfunction()
fs_coll_test(coll_mpi_n2 mpi - 2 float32)
fs_coll_test(coll_mpi_n3 mpi - 3 bfloat16)
fs_coll_test(coll_mpi_n4 mpi - 4 float64)
fs_coll_test(coll_ofi_shm_n2 ofi shm 2 float32)
fs_coll_test(coll_ofi_shm_n3 ofi shm 3 float64)
fs_coll_test(coll_ofi_shm_n4 ofi shm 4 bfloat16)
fs_coll_test(coll_ofi_tcp_n2 ofi tcp$<SEMICOLON>ofi_rxm 2 bfloat16)
fs_coll_test(coll_ofi_tcp_n3 ofi tcp$<SEMICOLON>ofi_rxm 3 float32)
fs_coll_test(coll_ofi_tcp_n4 ofi tcp$<SEMICOLON>ofi_rxm 4 float64)

# All-to-all (issue 16): alltoall with every algorithm that has it and
# alltoallv with a Zipf skew and a matrix file, validated, at 2-5 ranks (odd
# counts included) over MPI and libfabric shm, and tcp;ofi_rxm at 3.
set(FS_A2A_IT ${CMAKE_CURRENT_SOURCE_DIR}/collectives/a2a_integration.py)
function(fs_a2a_test name tr prov np dt)
  add_test(NAME ${name}
           COMMAND python3 ${FS_A2A_IT} ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:fabscale-bench>
                   ${np} ${tr} "${prov}" ${dt} ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set_tests_properties(${name} PROPERTIES LABELS integration ENVIRONMENT "${FS_MPIEXEC_ENV}"
                       TIMEOUT 600 RUN_SERIAL TRUE)
endfunction()
fs_a2a_test(a2a_mpi_n2 mpi - 2 float32)
fs_a2a_test(a2a_mpi_n3 mpi - 3 bfloat16)
fs_a2a_test(a2a_mpi_n4 mpi - 4 float64)
fs_a2a_test(a2a_mpi_n5 mpi - 5 float32)
fs_a2a_test(a2a_ofi_shm_n2 ofi shm 2 float64)
fs_a2a_test(a2a_ofi_shm_n3 ofi shm 3 float32)
fs_a2a_test(a2a_ofi_shm_n4 ofi shm 4 bfloat16)
fs_a2a_test(a2a_ofi_shm_n5 ofi shm 5 float64)
fs_a2a_test(a2a_ofi_tcp_n3 ofi tcp$<SEMICOLON>ofi_rxm 3 bfloat16)

add_test(NAME coll_bad_input
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/collectives/bad_input.py
                 ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:fabscale-bench>)
set_tests_properties(coll_bad_input PROPERTIES LABELS integration ENVIRONMENT "${FS_MPIEXEC_ENV}"
                     TIMEOUT 300 RUN_SERIAL TRUE)

# The MoE traffic-skew model (common/skew.c) the alltoallv benchmark sizes
# its buffers with.
fs_add_unit_test(test_skew SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/collectives/test_skew.c
                 LIBS fs_common)
if(TARGET test_skew)
  target_link_libraries(test_skew PRIVATE ${MATH_LIB})
endif()
