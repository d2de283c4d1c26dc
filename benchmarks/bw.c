/* bw.c - uni-directional windowed bandwidth of one pair (osu_bw). */
#include "window.h"

static size_t bw_buffer(size_t bytes, int nranks, int window)
{
    (void)nranks;
    (void)window;
    return bytes < 4 ? 4 : bytes; /* room for the ack */
}

const fs_bench fs_bench_bw = {
    .name = "bw",
    .summary = "windowed uni-directional bandwidth, one pair (osu_bw)",
    .participation = FS_BENCH_PAIRS,
    .metric = FS_METRIC_BANDWIDTH,
    .windowed = true,
    .min_ranks = 2,
    .time_scale = 1.0,
    .recv_sides = FS_RECV_RESPONDER,
    .buffer_bytes = bw_buffer,
    .iteration = fs_window_unidir,
    .bytes_per_iter = fs_window_bytes,
    .msgs_per_iter = fs_window_msgs,
};
