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
