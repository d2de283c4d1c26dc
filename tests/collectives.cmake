# Collectives (issue 4): unit tests on the fake in-process transport, and
# mpirun integration tests of the allreduce / reduce_scatter / allgather
# benchmarks over MPI, libfabric shm and tcp;ofi_rxm.
find_package(Threads REQUIRED)

fs_add_unit_test(test_collectives
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/collectives/test_collectives.c
          ${CMAKE_CURRENT_SOURCE_DIR}/collectives/fake_transport.c
  LIBS fs_transport Threads::Threads)
if(TARGET test_collectives)
  target_include_directories(test_collectives PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/collectives)
  # 1,600 small worlds of up to 9 threads: seconds normally, longer under ASan.
  set_tests_properties(test_collectives PROPERTIES TIMEOUT 600)
endif()
