# report (issue 14): the report's pure parts (names, styles, headline
# numbers) as cmocka units; the HTML in a real headless browser; the
# installed, relocated programs.
fs_add_unit_test(report_pure SOURCES report/test_report_pure.c LIBS fs_analysis)
set_tests_properties(report_pure PROPERTIES LABELS "unit;report")
