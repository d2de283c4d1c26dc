/* msgrate.c - every pair streams at once: aggregate bandwidth and message
 * rate, the figure that tells whether a node's NICs are saturated
 * (osu_mbw_mr).  Ranks [0,n/2) send to [n/2,n). */
#include "window.h"

static size_t msgrate_buffer(size_t bytes, int nranks, int window)
{
    (void)nranks;
    (void)window;
    return bytes < 4 ? 4 : bytes;
}

const fs_bench fs_bench_msgrate = {
    .name = "msgrate",
    .summary = "all pairs stream at once: aggregate bandwidth and messages/s (osu_mbw_mr)",
    .participation = FS_BENCH_PAIRS,
    .metric = FS_METRIC_MESSAGE_RATE,
    .windowed = true,
    .all_pairs = true,
    .min_ranks = 2,
    .time_scale = 1.0,
    .recv_sides = FS_RECV_RESPONDER,
    .buffer_bytes = msgrate_buffer,
    .iteration = fs_window_unidir,
    .bytes_per_iter = fs_window_bytes,
    .msgs_per_iter = fs_window_msgs,
};
