# Multi-NIC runs (issue 18): the proof of path (NIC byte counters over fake
# sysfs trees, the verdict, the negotiated record) and the per-NIC analysis.
fs_add_unit_test(test_path_proof SOURCES nics/test_path_proof.c LIBS fs_bench)
# fabscale fit per NIC and per node on a --nics fixture (make_fixture.py).
fs_add_unit_test(test_nic_links SOURCES nics/test_nic_links.c LIBS fs_analysis)
if(TARGET test_nic_links)
  target_compile_definitions(test_nic_links PRIVATE FS_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/nics/data")
endif()
# fabscale screen names the slow NIC of a host from per-NIC figures.
fs_add_unit_test(test_screen_rails SOURCES nics/test_screen_rails.c LIBS fs_analysis)
if(TARGET test_screen_rails)
  target_compile_definitions(test_screen_rails PRIVATE FS_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/nics/data")
endif()
add_test(NAME nics_screen_cli
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/nics/screen-cli.sh $<TARGET_FILE:fabscale>
                 ${CMAKE_CURRENT_SOURCE_DIR}/nics/data/bw-2nics.json)
set_tests_properties(nics_screen_cli PROPERTIES LABELS analysis)
