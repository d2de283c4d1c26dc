/*
 * roundtrip.h - the invariant every reader target checks after a
 * successful read: `fabscale import` writes what it read as
 * fabscale.results/1, and fabscale must read that file back with the same
 * runs and points, and write it again unchanged (member for member).  A
 * broken invariant aborts, which libFuzzer and the replay driver both
 * report as a failure.
 */
#ifndef FS_FUZZ_ROUNDTRIP_H
#define FS_FUZZ_ROUNDTRIP_H

#include "results.h"

/* Aborts (with a line on stderr) when r does not survive the round trip. */
void fs_fuzz_roundtrip(const fs_results *r);

#endif
