/* window.h - the windowed streaming loop shared by bw and msgrate. */
#ifndef FS_WINDOW_H
#define FS_WINDOW_H

#include "bench.h"

/* One iteration: the initiator sends c->window messages of c->bytes and
 * waits for a small acknowledgement; the responder receives them and acks. */
int fs_window_unidir(fs_bench_ctx *c);
double fs_window_bytes(const fs_bench_ctx *c);
double fs_window_msgs(const fs_bench_ctx *c);

#endif
