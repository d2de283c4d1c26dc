# common/ (fs_common): the results library, its JSON Schema, the size
# grammar; and the round trip of a real run through `fabscale import`.
fs_add_unit_test(common_results SOURCES common/test_results_doc.c LIBS fs_common)
if(TARGET common_results)
  target_compile_definitions(common_results PRIVATE
    FS_SCHEMA_FILE="${PROJECT_SOURCE_DIR}/docs/results.schema.json")
endif()
if(TARGET fs_analysis)
  fs_add_unit_test(common_sizes_both SOURCES common/test_sizes_both.c LIBS fs_analysis)
endif()

# Regenerates docs/results.schema.json (see print_schema.c).
add_executable(print_results_schema common/print_schema.c)
target_link_libraries(print_results_schema PRIVATE fs_common)

# The schema accepts what fabscale writes and refuses what is wrong.
find_package(Python3 COMPONENTS Interpreter)
set(FS_SCHEMA_CHECK ${CMAKE_CURRENT_SOURCE_DIR}/common/check_schema.py)
add_test(NAME results_schema
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/common/schema_test.sh ${FS_SCHEMA_CHECK}
                 ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/results_schema
                 ${PROJECT_SOURCE_DIR}/docs/results-format.md)
set_tests_properties(results_schema PROPERTIES LABELS unit)

# A real 2-rank run of every benchmark (mpi and ofi shm), imported, equals
# the original member for member.
if(TARGET fabscale)
  add_test(NAME results_import_roundtrip
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/common/import_roundtrip.py
                   ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:fabscale-bench> $<TARGET_FILE:fabscale>
                   ${CMAKE_CURRENT_BINARY_DIR}/results_import_roundtrip)
  set_tests_properties(results_import_roundtrip PROPERTIES LABELS integration
                       ENVIRONMENT "${FS_MPIEXEC_ENV}" TIMEOUT 600 RUN_SERIAL TRUE)
endif()
