# report (issue 14): the report's pure parts (names, styles, headline
# numbers) as cmocka units; the HTML in a real headless browser; the
# installed, relocated programs.
fs_add_unit_test(report_pure SOURCES report/test_report_pure.c LIBS fs_analysis)
set_tests_properties(report_pure PROPERTIES LABELS "unit;report")

fs_add_unit_test(report_headline SOURCES report/test_report_headline.c LIBS fs_analysis)
if(TARGET report_headline)
  target_compile_definitions(report_headline PRIVATE FS_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/report/data")
  set_tests_properties(report_headline PROPERTIES LABELS "unit;report"
                       ENVIRONMENT FABSCALE_DATADIR=${PROJECT_SOURCE_DIR}/analysis/data)
endif()

# The HTML in headless chromium over the DevTools protocol (skipped, 77,
# when chromium is not installed).
add_test(NAME report_browser
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/report/browser_test.py $<TARGET_FILE:fabscale>
                 ${CMAKE_CURRENT_SOURCE_DIR}/report/data ${CMAKE_CURRENT_BINARY_DIR}/report_browser)
set_tests_properties(report_browser PROPERTIES LABELS "integration;report" SKIP_RETURN_CODE 77
                     TIMEOUT 300 ENVIRONMENT FABSCALE_DATADIR=${PROJECT_SOURCE_DIR}/analysis/data)

fs_add_unit_test(report_datadir SOURCES report/test_datadir.c LIBS fs_analysis)
if(TARGET report_datadir)
  set_tests_properties(report_datadir PROPERTIES LABELS "unit;report")
endif()

# `cmake --install` relocatable: install, move the prefix, run from elsewhere.
add_test(NAME report_install
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/report/install_test.sh ${PROJECT_BINARY_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/report_install)
set_tests_properties(report_install PROPERTIES LABELS "integration;report")
