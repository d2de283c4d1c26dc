/* The results library: lossless read/write through the field table, kinds,
 * messages for members of the wrong type, the shipped JSON Schema. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "results_doc.h"
#include "results_fields.h"

/* Every modelled member, and members the table does not know at every
 * level (future_*, producer). */
static const char full_doc[] =
    "{\"schema\": \"fabscale.results/1\", \"producer\": {\"by\": \"test\"},\n"
    " \"meta\": {\"version\": \"0.1.0\", \"command\": \"fabscale-bench -b allreduce\",\n"
    "  \"start_time\": \"2026-12-02T10:00:00Z\", \"ranks\": 2, \"hosts\": [\"a\"],\n"
    "  \"rank_host\": [\"a\", \"a\"], \"rank_binding\": [\"core 0 (PU 0), NUMA 0\", \"core 1\"],\n"
    "  \"instance_type\": null, \"dmi\": {\"sys_vendor\": \"v\"}, \"cpu_model\": \"cpu\",\n"
    "  \"mpi_library\": \"Open MPI\", \"libfabric_version\": \"1.17\",\n"
    "  \"topology\": {\"a\": {\"cores\": 2}}, \"settings\": {\"precision\": 0.01},\n"
    "  \"appended\": [{\"version\": \"0.1.0\"}], \"complete\": true, \"future_meta\": [1, 2]},\n"
    " \"runs\": [{\"benchmark\": \"allreduce\", \"kind\": \"collective\", \"transport\": \"ofi\",\n"
    "  \"provider\": \"shm\", \"fabric\": \"shm\", \"domain\": \"shm\", \"algorithm\": \"auto\",\n"
    "  \"dtype\": \"float32\", \"ranks\": 2, \"pairs\": null, \"window\": null,\n"
    "  \"peer_hosts\": null, \"validated\": true, \"in_place\": true,\n"
    "  \"attributes\": {\"inject_size\": 4096, \"chunks\": 0}, \"notes\": [\"a note\"],\n"
    "  \"imported_from\": {\"format\": \"osu\", \"file\": \"x.txt\"}, \"future_run\": 7,\n"
    "  \"points\": [{\"bytes\": 1024, \"iterations\": 20, \"warmup\": 100, \"converged\": false,\n"
    "   \"algorithm\": \"ring\", \"time_us\": {\"min\": 1.5, \"p50\": 2.25, \"mean\": 2.5,\n"
    "   \"p90\": 3.0, \"p99\": 4.0, \"max\": 9.75, \"stdev\": 0.5, \"ci95\": 0.02},\n"
    "   \"bandwidth_GBps\": null, \"msg_rate_Mps\": null, \"algbw_GBps\": 0.5,\n"
    "   \"busbw_GBps\": 0.5, \"slowest_rank\": 1, \"future_point\": \"p\"}]},\n"
    "  {\"benchmark\": \"bw\", \"kind\": \"bandwidth\", \"transport\": \"mpi\", \"provider\": "
    "\"mpi\",\n"
    "  \"fabric\": null, \"domain\": null, \"algorithm\": null, \"dtype\": null, \"ranks\": 2,\n"
    "  \"pairs\": 1, \"window\": 64, \"peer_hosts\": [\"a\", \"b\"], \"validated\": false,\n"
    "  \"attributes\": null, \"notes\": null, \"points\": []}]}\n";

static int parse(const char *text, fs_results *r, fs_err *err)
{
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!root) fail_msg("test document is not JSON: %s (line %d)", je.text, je.line);
    memset(r, 0, sizeof *r);
    int rc = fs_results_from_json(root, text, strlen(text), "t.json", r, err);
    json_decref(root);
    return rc;
}

static void test_lossless(void **state)
{
    (void)state;
    fs_results r;
    fs_err err = {0};
    assert_int_equal(parse(full_doc, &r, &err), 0);
    /* What the table models is in the structs ... */
    assert_int_equal(r.nruns, 2);
    assert_int_equal(r.runs[0].kind, FS_KIND_COLLECTIVE);
    assert_string_equal(r.runs[0].points[0].algorithm, "ring");
    assert_float_equal(r.runs[0].points[0].warmup, 100, 0);
    assert_int_equal(r.runs[0].points[0].converged, 0);
    assert_string_equal(r.runs[0].source, "x.txt");
    assert_true(r.runs[0].in_place);
    assert_string_equal(r.runs[1].peer_hosts[1], "b");
    /* ... the rest in extra ... */
    assert_non_null(json_object_get(r.meta.extra, "rank_host"));
    assert_non_null(json_object_get(r.meta.extra, "future_meta"));
    assert_null(json_object_get(r.meta.extra, "ranks"));
    assert_non_null(json_object_get(r.runs[0].extra, "future_run"));
    assert_null(json_object_get(r.runs[0].extra, "points"));
    assert_non_null(json_object_get(r.runs[0].points[0].extra, "future_point"));
    /* ... and writing gives the document back, member for member. */
    json_t *orig = json_loads(full_doc, 0, NULL), *back = fs_results_to_json_doc(&r);
    if (!json_equal(orig, back)) {
        char *t = fs_results_dumps(back);
        fail_msg("written document differs from the one read:\n%s", t);
    }
    json_decref(orig);
    json_decref(back);
    fs_results_free(&r);
}

static void test_absent_and_written_null(void **state)
{
    (void)state;
    fs_results r;
    fs_err err = {0};
    assert_int_equal(parse("{\"schema\": \"fabscale.results/1\", \"runs\": [{\"benchmark\": "
                           "\"write_lat\", \"points\": [{\"bytes\": 8}]}]}",
                           &r, &err),
                     0);
    const fs_point *p = &r.runs[0].points[0];
    assert_true(isnan(p->time_us.p50) && isnan(p->iterations) && isnan(p->warmup));
    assert_int_equal(p->converged, -1);
    assert_int_equal(p->slowest_rank, -1);
    assert_true(r.meta.complete); /* a file without meta claims nothing missing */
    json_t *back = fs_results_to_json_doc(&r);
    json_t *run = json_array_get(json_object_get(back, "runs"), 0);
    /* Older files lack "kind": it is inferred, and written. */
    assert_string_equal(json_string_value(json_object_get(run, "kind")), "latency");
    json_t *jp = json_array_get(json_object_get(run, "points"), 0);
    assert_true(json_is_null(json_object_get(jp, "converged")));
    assert_true(json_is_null(json_object_get(json_object_get(jp, "time_us"), "p50")));
    assert_true(json_is_null(json_object_get(jp, "slowest_rank")));
    /* Optional members are left out when absent. */
    assert_null(json_object_get(jp, "algorithm"));
    assert_null(json_object_get(run, "in_place"));
    json_decref(back);
    fs_results_free(&r);
}

static void test_kinds(void **state)
{
    (void)state;
    assert_int_equal(fs_kind_of_benchmark("latency"), FS_KIND_LATENCY);
    assert_int_equal(fs_kind_of_benchmark("write_lat"), FS_KIND_LATENCY);
    assert_int_equal(fs_kind_of_benchmark("bibw"), FS_KIND_BANDWIDTH);
    assert_int_equal(fs_kind_of_benchmark("write_bw"), FS_KIND_BANDWIDTH);
    assert_int_equal(fs_kind_of_benchmark("msgrate"), FS_KIND_MESSAGE_RATE);
    assert_int_equal(fs_kind_of_benchmark("reduce_scatter"), FS_KIND_COLLECTIVE);
    assert_int_equal(fs_kind_of_benchmark("alltoall"), FS_KIND_COLLECTIVE);
    assert_int_equal(fs_kind_of_benchmark("read_lat"), FS_KIND_LATENCY); /* house style */
    assert_int_equal(fs_kind_of_benchmark("frobnicate"), FS_KIND_UNKNOWN);
    assert_int_equal(fs_kind_of_benchmark(NULL), FS_KIND_UNKNOWN);
    for (int k = FS_KIND_LATENCY; k <= FS_KIND_COLLECTIVE; k++)
        assert_int_equal(fs_kind_parse(fs_kind_name((fs_kind)k)), k);
    assert_null(fs_kind_name(FS_KIND_UNKNOWN));
    /* The run's own kind wins over its name. */
    fs_run run = {.benchmark = "latency", .kind = FS_KIND_BANDWIDTH};
    assert_int_equal(fs_run_kind(&run), FS_KIND_BANDWIDTH);
    run.kind = FS_KIND_UNKNOWN;
    assert_int_equal(fs_run_kind(&run), FS_KIND_LATENCY);
}

static void expect_refused(const char *doc, const char *fragment)
{
    fs_results r;
    fs_err err = {0};
    assert_int_equal(parse(doc, &r, &err), FS_EXIT_INPUT);
    if (!strstr(err.msg, fragment)) fail_msg("message \"%s\" lacks \"%s\"", err.msg, fragment);
    fs_results_free(&r);
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect_refused("{\"schema\": \"fabscale.results/1\",\n \"runs\": [{\"benchmark\": \"bw\",\n"
                   "  \"points\": [{\"bytes\": \"8\"}]}]}",
                   "t.json:3: runs[0].points[0].bytes: expected a number or null, got a string");
    expect_refused("{\"schema\": \"fabscale.results/1\",\n \"runs\": [{\"benchmark\": \"bw\",\n"
                   "  \"kind\": \"fast\", \"points\": []}]}",
                   "t.json:3: runs[0].kind: expected latency, bandwidth, message_rate, collective");
    expect_refused("{\"schema\": \"fabscale.results/1\", \"runs\": [{\"benchmark\": \"bw\", "
                   "\"attributes\": [], \"points\": []}]}",
                   "runs[0].attributes: expected an object or null, got an array");
    expect_refused("{\"schema\": \"fabscale.results/1\", \"runs\": [{\"benchmark\": \"bw\", "
                   "\"notes\": [1], \"points\": []}]}",
                   "runs[0].notes: expected an array of strings");
    expect_refused("{\"schema\": \"fabscale.results/1\", \"runs\": [{\"benchmark\": \"bw\", "
                   "\"points\": [{\"bytes\": 8, \"time_us\": {\"p50\": true}}]}]}",
                   "runs[0].points[0].time_us.p50: expected a number or null, got a boolean");
    expect_refused("{\"schema\": \"fabscale.results/1\", \"meta\": {\"ranks\": 2.5}, \"runs\": []}",
                   "meta.ranks: expected an integer");
    expect_refused("{\"schema\": \"fabscale.results/1\", \"runs\": [{\"benchmark\": \"bw\", "
                   "\"points\": [{\"bytes\": -1}]}]}",
                   "runs[0].points[0].bytes: negative size");
    expect_refused("{\"runs\": []}",
                   "not a fabscale.results/1 results file (\"schema\" is missing)");
    expect_refused("{\"schema\": \"fabscale.results/2\", \"runs\": []}",
                   "unknown schema \"fabscale.results/2\"");
}

static void test_csv_header(void **state)
{
    (void)state;
    assert_string_equal(fs_results_csv_header(),
                        "benchmark,kind,transport,provider,algorithm,ranks,pairs,window,bytes,"
                        "iterations,warmup,min_us,p50_us,mean_us,p90_us,p99_us,max_us,stdev_us,"
                        "ci95_us,bandwidth_GBps,msg_rate_Mps,algbw_GBps,busbw_GBps,slowest_rank");
}

/* docs/results.schema.json is what the table generates. */
static void test_schema_file_current(void **state)
{
    (void)state;
    json_error_t je;
    json_t *file = json_load_file(FS_SCHEMA_FILE, 0, &je);
    if (!file) fail_msg("%s: %s", FS_SCHEMA_FILE, je.text);
    json_t *gen = fs_results_schema();
    if (!json_equal(file, gen))
        fail_msg("%s is stale: regenerate it with build/tests/print_results_schema",
                 FS_SCHEMA_FILE);
    /* Every row of the table is in it. */
    json_t *run_props = json_object_get(
        json_object_get(json_object_get(json_object_get(gen, "properties"), "runs"), "items"),
        "properties");
    for (size_t i = 0; i < fs_run_fields.n; i++)
        assert_non_null(json_object_get(run_props, fs_run_fields.f[i].name));
    json_decref(gen);
    json_decref(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lossless),   cmocka_unit_test(test_absent_and_written_null),
        cmocka_unit_test(test_kinds),      cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_csv_header), cmocka_unit_test(test_schema_file_current),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
