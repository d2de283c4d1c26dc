# Multi-NIC runs (issue 18): the proof of path (NIC byte counters over fake
# sysfs trees, the verdict, the negotiated record) and the per-NIC analysis.
fs_add_unit_test(test_path_proof SOURCES nics/test_path_proof.c LIBS fs_bench)
